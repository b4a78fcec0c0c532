using DeepTrain.Model;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Pipeline;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Support;

namespace DeepTrain.Tests.Evaluation;

/// <summary>The configuration-batch evaluator (lanes = configurations) against the scalar pipeline, which stays the
/// definition (issue 10, item 3).</summary>
public class ConfigBatchEvaluatorTests
{
    public static IEnumerable<object[]> ZooTimesPresets() =>
        from n in Zoo.Names from a in ArchSpec.Presets select new object[] { n, a };

    private static int StableSeed(string s)
    {
        uint h = 2166136261; // FNV-1a
        foreach (char c in s) h = (h ^ c) * 16777619;
        return (int)(h & 0x7fffffff);
    }

    private static double Scale(Random rng) => Math.Exp((rng.NextDouble() - 0.5) * 2 * Math.Log(4)); // ×¼ … ×4

    /// <summary>A random configuration around a preset: every numeric field the model reads is drawn, the batch too.
    /// Some draws are invalid on purpose (a bits-per-cell above the weight bits, a zero field, a batch below 1).</summary>
    internal static (ArchSpec Spec, int Batch) RandomConfig(Random rng, ArchSpec b, bool allowInvalid)
    {
        var c = b.Crossbar;
        int weightBits = new[] { 8, 16 }[rng.Next(2)], inputBits = new[] { 8, 16 }[rng.Next(2)];
        var crossbar = c with
        {
            Rows = new[] { 32, 64, 128, 256, 512 }[rng.Next(5)], Cols = new[] { 32, 64, 128, 256, 512 }[rng.Next(5)],
            WeightBits = weightBits, BitsPerCell = rng.Next(1, 5), InputBits = inputBits, DacBits = rng.Next(1, 3),
            ReadCycleSeconds = c.ReadCycleSeconds * Scale(rng),
            AdcBits = c.AdcsPerArray > 0 ? rng.Next(6, 11) : c.AdcBits,
            AdcSamplesPerSecond = c.AdcsPerArray > 0 ? c.AdcSamplesPerSecond * Scale(rng) : c.AdcSamplesPerSecond,
            WriteLatencySeconds = c.WriteLatencySeconds * Scale(rng), WriteEnergyJoules = c.WriteEnergyJoules * Scale(rng),
            EnduranceCycles = c.EnduranceCycles * Scale(rng),
        };
        var nu = b.NormUnits;
        var units = nu.Count == 0 ? nu : nu with
        {
            Count = new[] { 1, 4, 16, 64 }[rng.Next(4)], Lanes = new[] { 8, 32, 64 }[rng.Next(3)], ClockHz = nu.ClockHz * Scale(rng),
            EnergyPerOpJoules = nu.EnergyPerOpJoules * Scale(rng), BufferBytes = nu.BufferBytes * Scale(rng) * rng.Next(0, 2),
        };
        var spec = b with
        {
            Crossbar = crossbar,
            // Few tiles: the network needs several chips.
            Organization = b.Organization with { ImasPerTile = rng.Next(4, 17), Tiles = new[] { 1, 2, 8, 32, 168, 512, 1024 }[rng.Next(7)] },
            NormUnits = units,
            Noc = b.Noc with { BandwidthBytesPerSecond = b.Noc.BandwidthBytesPerSecond * Scale(rng), EnergyPerBitJoules = b.Noc.EnergyPerBitJoules * Scale(rng) },
            Dram = b.Dram with { BandwidthBytesPerSecond = b.Dram.BandwidthBytesPerSecond * Scale(rng), EnergyPerBitJoules = b.Dram.EnergyPerBitJoules * Scale(rng) },
            ActivationBits = new[] { 8, 16, 32 }[rng.Next(3)],
        };
        int batch = rng.Next(1, 300);
        if (allowInvalid && rng.Next(10) == 0)
        {
            switch (rng.Next(3))
            {
                case 0: batch = -rng.Next(0, 3); break;
                case 1: spec = spec with { Crossbar = spec.Crossbar with { Rows = 0 } }; break;
                default: spec = spec with { Noc = spec.Noc with { BandwidthBytesPerSecond = -1 } }; break;
            }
        }
        return (spec, batch);
    }

    /// <summary>The scalar path as a user reaches it: the spec text parsed and validated, then the pipeline.</summary>
    private static (Estimate? Value, Exception? Error) Scalar(Network net, ArchSpec spec, int batch, SiteMask mask, string origin)
    {
        try
        {
            var parsed = ArchSpec.Parse(spec.ToJson(), origin);
            return (new ScalarEvaluator(ModelTables.Build(new TrainingPipeline(net, parsed, batch))).Evaluate(mask), null);
        }
        catch (UserError e) { return (null, e); }
    }

    private static void Close(double expected, double actual, string what)
    {
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"{what}: lanes {actual}, scalar {expected}");
    }

    [Theory]
    [MemberData(nameof(ZooTimesPresets))]
    public void LanesMatchTheScalarPipelineOnRandomConfigurations(string name, string arch)
    {
        var net = Zoo.Get(name);
        var baseSpec = ArchSpec.Load(arch);
        // string.GetHashCode is randomized per process: seed from a stable hash so every run draws the same configurations.
        var rng = new Random(StableSeed(name) ^ arch.Length * 7919);
        var eval = new ConfigBatchEvaluator(net);
        const int configs = 21; // not a multiple of any vector width: the padded tail is exercised
        var lanes = new ConfigLanes(configs);
        var results = new ConfigResults(configs);
        var expected = new List<(ArchSpec Spec, int Batch, int Lane)>();
        int multiChip = 0, invalid = 0;
        foreach (var mask in new[] { TestNetworks.RandomMask(rng, net.SiteCount), SiteMask.None(net.SiteCount), SiteMask.All(net.SiteCount) })
        {
            lanes.Clear(); expected.Clear();
            for (int k = 0; k < configs; k++)
            {
                var (spec, batch) = RandomConfig(rng, baseSpec, allowInvalid: true);
                string origin = $"config {k}";
                var (value, error) = Scalar(net, spec, batch, mask, origin);
                int lane;
                try { lane = lanes.Add(spec, batch, origin); }
                catch (UserError e)
                {
                    Assert.NotNull(error);
                    Assert.Equal(error!.GetType(), e.GetType());
                    Assert.Equal(error.Message, e.Message);
                    invalid++;
                    continue;
                }
                Assert.True(error is null, $"scalar rejected a configuration the lanes accepted: {error?.Message}");
                expected.Add((spec, batch, lane));
            }
            eval.Evaluate(lanes, mask.Words, results);
            foreach (var (spec, batch, lane) in expected)
            {
                var e = Scalar(net, spec, batch, mask, "x").Value!;
                string at = $"{name} on {arch} lane {lane} (batch {batch}, mask {mask})";
                Assert.Equal(e.Chips, results.Chips[lane]);
                Assert.Equal(e.CrossbarsUsed, results.CrossbarsUsed[lane]);
                Assert.Equal(e.CrossbarsAvailable, results.CrossbarsAvailable[lane]);
                Close(e.TimePerBatchSeconds, results.TimePerBatchSeconds[lane], at + " time");
                Close(e.EnergyPerImageJoules, results.EnergyPerImageJoules[lane], at + " energy");
                Close(e.AveragePowerWatts, results.AveragePowerWatts[lane], at + " power");
                Close(e.AreaMm2, results.AreaMm2[lane], at + " area");
                Close(e.WeightUpdateSeconds, results.WeightUpdateSeconds[lane], at + " update");
                Assert.Equal(e.LifetimeBatches, results.LifetimeBatches[lane]);
                if (e.Chips > 1) multiChip++;
            }
        }
        Assert.True(multiChip > 0, "some configurations should need several chips");
        _ = invalid; // drawn with probability 1/10; asserted across the suite in RejectsTheSameConfigurationsAsTheScalarPath
    }

    [Fact]
    public void RejectsTheSameConfigurationsAsTheScalarPath()
    {
        var net = Zoo.Get("resnet20");
        var rng = new Random(3);
        var lanes = new ConfigLanes(1);
        int rejected = 0;
        for (int k = 0; k < 400; k++)
        {
            var (spec, batch) = RandomConfig(rng, ArchSpec.Load(ArchSpec.Presets[k % 3]), allowInvalid: true);
            lanes.Clear();
            var (_, error) = Scalar(net, spec, batch, SiteMask.None(net.SiteCount), "sweep point");
            Exception? mine = null;
            try { lanes.Add(spec, batch, "sweep point"); } catch (UserError e) { mine = e; }
            Assert.Equal(error?.GetType(), mine?.GetType());
            Assert.Equal(error?.Message, mine?.Message);
            if (mine != null) rejected++;
        }
        Assert.InRange(rejected, 10, 200);
    }

    [Fact]
    public void AddingCrossbarsOrRemovingASiteNeverSlowsAnyLane()
    {
        var rng = new Random(5);
        foreach (var name in new[] { "resnet20", "resnet50", "vgg11", "plain20" })
        {
            var net = Zoo.Get(name);
            var eval = new ConfigBatchEvaluator(net);
            const int n = 16;
            var lanes = new ConfigLanes(n); var more = new ConfigLanes(n);
            var a = new ConfigResults(n); var c = new ConfigResults(n);
            var a0 = new ConfigResults(n); var b0 = new ConfigResults(n);
            var none = SiteMask.None(net.SiteCount);
            for (int trial = 0; trial < 6; trial++)
            {
                lanes.Clear(); more.Clear();
                for (int k = 0; k < n; k++)
                {
                    var (spec, batch) = RandomConfig(rng, ArchSpec.Load(ArchSpec.Presets[k % 3]), allowInvalid: false);
                    lanes.Add(spec, batch);
                    // More crossbars on the same number of chips: only the spare grows (tiles × 2 would also change
                    // the chip count, area and static power; arrays per IMA are tied to the ADC table).
                    more.Add(spec with { Organization = spec.Organization with { ImasPerTile = spec.Organization.ImasPerTile * 2 } }, batch);
                }
                var mask = TestNetworks.RandomMask(rng, net.SiteCount);
                eval.Evaluate(lanes, mask.Words, a);
                eval.Evaluate(lanes, none.Words, a0);
                eval.Evaluate(more, none.Words, b0);
                var active = mask.ActiveSites().ToList();
                int drop = rng.Next(Math.Max(1, active.Count));
                var fewer = active.Count == 0 ? mask : SiteMask.FromIndices(net.SiteCount, active.Where((_, i) => i != drop));
                eval.Evaluate(lanes, fewer.Words, c);
                for (int l = 0; l < n; l++)
                {
                    Assert.True(c.TimePerBatchSeconds[l] <= a.TimePerBatchSeconds[l] * (1 + 1e-12), $"{name} lane {l}: removing a site slowed the batch");
                    // Replication minimizes the barrier-free batch, so the crossbar law is stated for it.
                    if (a0.Chips[l] == b0.Chips[l])
                        Assert.True(b0.TimePerBatchSeconds[l] <= a0.TimePerBatchSeconds[l] * (1 + 1e-12), $"{name} lane {l}: more crossbars slowed the batch");
                }
            }
        }
    }
}
