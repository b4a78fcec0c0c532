using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Mapping;
using DeepTrain.Model.Pipeline;
using DeepTrain.Model.Workloads;
using Xunit.Abstractions;

namespace DeepTrain.Tests.Pipeline;

/// <summary>The exact parametric replication allocator (issue 10, item 2) against brute force, the old greedy and
/// its own certificate.</summary>
public class ReplicationAllocatorTests(ITestOutputHelper output)
{
    private sealed record Case(List<LayerMapping> Layers, long Spare, double Tau, int Batch, double Spc, double Fixed);

    private static Case RandomCase(Random rng, int layers, int maxMvms)
    {
        var list = new List<LayerMapping>();
        for (int i = 0; i < layers; i++)
        {
            bool err = rng.Next(3) > 0;
            list.Add(new LayerMapping
            {
                LayerIndex = i, Name = $"l{i}",
                CrossbarsForward = rng.Next(1, 5), CrossbarsBackward = rng.Next(1, 5), CrossbarsGradient = rng.Next(1, 5),
                MvmsForward = rng.Next(1, maxMvms + 1), MvmsBackward = rng.Next(1, maxMvms + 1), MvmsGradient = rng.Next(1, maxMvms + 1),
                NeedsBackwardError = err, CellsPerCopy = rng.Next(0, 50),
            });
        }
        // Update rates from "free" to "dominant" so every regime of the trade-off is exercised.
        double spc = rng.Next(4) switch { 0 => 0, 1 => 1e-3, 2 => 2e-2, _ => 0.3 };
        return new Case(list, rng.Next(0, 25), 1.0, new[] { 1, 2, 8, 64 }[rng.Next(4)], spc, rng.NextDouble() * 3);
    }

    private static (long[] M, long[] X, double[] C) Arrays(IReadOnlyList<LayerMapping> layers)
    {
        var m = new long[3 * layers.Count]; var x = new long[m.Length]; var c = new double[m.Length];
        ReplicationAllocator.Stages(layers, m, x, c);
        return (m, x, c);
    }

    private static int[] Copies(IReadOnlyList<LayerMapping> balanced)
    {
        var r = new int[3 * balanced.Count];
        for (int i = 0; i < balanced.Count; i++)
        {
            r[3 * i] = balanced[i].ReplicationForward; r[3 * i + 1] = balanced[i].ReplicationBackward; r[3 * i + 2] = balanced[i].ReplicationGradient;
        }
        return r;
    }

    private static double J(Case k, int[] r)
    {
        var (m, _, c) = Arrays(k.Layers);
        return ReplicationAllocator.Objective(m, c, r, k.Tau, k.Batch, k.Spc, k.Fixed);
    }

    /// <summary>Every budget-feasible allocation: the optimum over the balanced family (copies = the fewest that
    /// reach the allocation's own maximum) and over everything.</summary>
    private static (double Family, double All) BruteForce(Case k)
    {
        var (m, x, c) = Arrays(k.Layers);
        int u = m.Length;
        var r = new int[u];
        for (int i = 0; i < u; i++) r[i] = 1;
        double family = double.PositiveInfinity, all = double.PositiveInfinity;
        while (true)
        {
            long extra = 0;
            for (int i = 0; i < u; i++) extra += (r[i] - 1) * x[i];
            if (extra <= k.Spare)
            {
                double j = ReplicationAllocator.Objective(m, c, r, k.Tau, k.Batch, k.Spc, k.Fixed);
                all = Math.Min(all, j);
                long max = 0;
                for (int i = 0; i < u; i++) if (m[i] > 0) max = Math.Max(max, (m[i] + r[i] - 1) / r[i]);
                bool minimal = true;
                for (int i = 0; i < u && minimal; i++) minimal = r[i] == (m[i] == 0 ? 1 : ReplicationAllocator.CopiesAt(m[i], max));
                if (minimal) family = Math.Min(family, j);
            }
            int d = 0;
            while (d < u && (r[d] >= Math.Max(1, m[d]))) { r[d] = 1; d++; }
            if (d == u) break;
            r[d]++;
        }
        return (family, all);
    }

    [Fact]
    public void EqualsBruteForceOverTheBalancedFamilyOnSmallNetworks()
    {
        var rng = new Random(10);
        for (int trial = 0; trial < 300; trial++)
        {
            var k = trial % 3 == 2 ? RandomCase(rng, 3, 3) : RandomCase(rng, rng.Next(1, 3), 6);
            var got = J(k, Copies(ReplicationAllocator.Balance(k.Layers, k.Spare, k.Tau, k.Batch, k.Spc, k.Fixed)));
            var (family, all) = BruteForce(k);
            Assert.True(Math.Abs(got - family) <= 1e-12 * family, $"trial {trial}: allocator {got}, family optimum {family}");
            Assert.True(all <= got + 1e-12 * got, $"trial {trial}: unrestricted optimum {all} above the allocator's {got}");
        }
    }

    [Fact]
    public void CertifiedLowerBoundHoldsAgainstTheUnrestrictedBruteForceOptimum()
    {
        var rng = new Random(11);
        int tight = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var k = RandomCase(rng, rng.Next(1, 3), 6);
            var (m, x, c) = Arrays(k.Layers);
            double lb = ReplicationAllocator.LowerBound(m, x, c, k.Spare, k.Tau, k.Batch, k.Spc, k.Fixed);
            var (_, all) = BruteForce(k);
            Assert.True(lb <= all + 1e-12 * all, $"trial {trial}: bound {lb} above the optimum {all}");
            if (Math.Abs(lb - all) <= 1e-12 * all) tight++;
        }
        Assert.True(tight > 0, "the bound should be attained on some small cases");
    }

    [Fact]
    public void NeverWorseThanTheGreedyOnRandomSmallNetworks()
    {
        var rng = new Random(12);
        for (int trial = 0; trial < 2000; trial++)
        {
            var k = RandomCase(rng, rng.Next(1, 6), 40);
            k = k with { Spare = rng.Next(0, 200) };
            double exact = J(k, Copies(ReplicationAllocator.Balance(k.Layers, k.Spare, k.Tau, k.Batch, k.Spc, k.Fixed)));
            double greedy = J(k, Copies(GreedyReplication.Balance(k.Layers, k.Spare, k.Tau, k.Batch, k.Spc, k.Fixed)));
            Assert.True(exact <= greedy * (1 + 1e-12), $"trial {trial}: allocator {exact} > greedy {greedy}");
        }
    }

    public static IEnumerable<object[]> Presets() => new[] { "isaac", "pipelayer", "deeptrain" }.Select(a => new object[] { a });

    [Theory]
    [MemberData(nameof(Presets))]
    public void NeverWorseThanTheGreedyOnEveryZooNetworkAndBatch(string arch)
    {
        var spec = ArchSpec.Load(arch);
        int better = 0, total = 0;
        var worstGap = new Dictionary<int, double> { [1] = 0, [8] = 0, [64] = 0, [256] = 0 };
        foreach (var name in Zoo.Names)
        {
            var net = Zoo.Get(name);
            var p = CrossbarMapper.Problem(net, spec);
            var (m, x, c) = Arrays(p.Layers);
            foreach (int batch in new[] { 1, 8, 64, 256 })
            {
                var exact = ReplicationAllocator.Balance(p.Layers, p.SpareCrossbars, spec.MvmSeconds, batch, p.SecondsPerCellWrite, p.FixedUpdateSeconds);
                var greedy = GreedyReplication.Balance(p.Layers, p.SpareCrossbars, spec.MvmSeconds, batch, p.SecondsPerCellWrite, p.FixedUpdateSeconds);
                double je = ReplicationAllocator.Objective(m, c, Copies(exact), spec.MvmSeconds, batch, p.SecondsPerCellWrite, p.FixedUpdateSeconds);
                double jg = ReplicationAllocator.Objective(m, c, Copies(greedy), spec.MvmSeconds, batch, p.SecondsPerCellWrite, p.FixedUpdateSeconds);
                Assert.True(je <= jg * (1 + 1e-12), $"{arch} {name} B={batch}: allocator {je} > greedy {jg}");
                long used = 0; foreach (var l in exact) used += l.CrossbarsUsed;
                Assert.True(used <= p.Chips * spec.CrossbarsPerChip, $"{arch} {name} B={batch}: {used} crossbars over the budget");
                // The objective is the pipeline's barrier-free batch time.
                var est = new ScalarEvaluator(ModelTables.Build(net, spec, batch)).TimePerBatchSeconds(SiteMask.None(net.SiteCount));
                Assert.True(Math.Abs(est - je) <= 1e-9 * je, $"{arch} {name} B={batch}: pipeline {est} vs objective {je}");
                double lb = ReplicationAllocator.LowerBound(m, x, c, p.SpareCrossbars, spec.MvmSeconds, batch, p.SecondsPerCellWrite, p.FixedUpdateSeconds);
                Assert.True(lb <= je * (1 + 1e-12), $"{arch} {name} B={batch}: bound {lb} above {je}");
                worstGap[batch] = Math.Max(worstGap[batch], je / lb - 1);
                if (je < jg * (1 - 1e-12)) better++;
                total++;
            }
        }
        output.WriteLine($"{arch}: allocator strictly faster than the greedy on {better} of {total} (network, batch); " +
                         "largest certified gap to the unrestricted optimum by batch: " +
                         string.Join(", ", worstGap.Select(kv => $"B={kv.Key} {kv.Value:P2}")));
    }

    [Fact]
    public void AddingCrossbarsNeverSlowsTheBarrierFreeBatch()
    {
        var rng = new Random(13);
        for (int trial = 0; trial < 2000; trial++)
        {
            var k = RandomCase(rng, rng.Next(1, 8), 60);
            double prev = double.PositiveInfinity;
            foreach (long spare in new long[] { 0, 3, 10, 40, 150, 600 })
            {
                double j = J(k, Copies(ReplicationAllocator.Balance(k.Layers, spare, k.Tau, k.Batch, k.Spc, k.Fixed)));
                Assert.True(j <= prev * (1 + 1e-12), $"trial {trial}: spare {spare} gave {j} > {prev}");
                prev = j;
            }
        }
    }
}
