using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Support;
using Xunit.Abstractions;

namespace DeepTrain.Tests.Laws;

/// <summary>The model's laws and the vector/scalar agreement on every zoo network.</summary>
public class ZooLawTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> ZooNetworks() => Zoo.Names.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(ZooNetworks))]
    public void VectorMatchesScalarOnEveryZooNetwork(string name)
    {
        var net = Zoo.Get(name);
        var t = ModelTables.Build(net, ArchSpec.Load("deeptrain"), 64);
        var scalar = new ScalarEvaluator(t);
        var vec = new MaskBatchEvaluator(t);
        const int n = 1000;
        int words = t.WordsPerMask;
        var rng = new Random(name.Length * 31 + net.SiteCount);
        var packed = new ulong[n * words];
        for (int m = 0; m < n; m++) TestNetworks.RandomMask(rng, net.SiteCount).Words.CopyTo(packed.AsSpan(m * words));
        var time = new double[n]; var energy = new double[n];
        vec.Evaluate(packed, words, n, time, energy);
        for (int m = 0; m < n; m++)
        {
            var w = packed.AsSpan(m * words, words);
            double rt = scalar.TimePerBatchSeconds(w), re = scalar.EnergyPerImageJoules(w);
            Assert.True(Math.Abs(time[m] - rt) <= 1e-9 * rt, $"{name} mask {m}: {time[m]} vs {rt}");
            Assert.True(Math.Abs(energy[m] - re) <= 1e-9 * re, $"{name} mask {m}: {energy[m]} vs {re}");
        }
    }

    [Theory]
    [MemberData(nameof(ZooNetworks))]
    public void RemovingAnActiveSiteNeverSlowsTheBatchOnZooNetworks(string name)
    {
        var net = Zoo.Get(name);
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xffff);
        foreach (var arch in new[] { "deeptrain", "isaac" })
        {
            var eval = new ScalarEvaluator(ModelTables.Build(net, ArchSpec.Load(arch), 32));
            for (int k = 0; k < 10; k++)
            {
                var mask = TestNetworks.RandomMask(rng, net.SiteCount);
                double t = eval.TimePerBatchSeconds(mask);
                foreach (int site in mask.ActiveSites())
                    Assert.True(eval.TimePerBatchSeconds(mask.With(site, false)) <= t * (1 + 1e-12), $"{name} {arch} site {site}");
            }
        }
    }

    [Theory]
    [InlineData("resnet56")]
    [InlineData("resnet110")]
    [InlineData("resnet50")]
    [InlineData("resnet152")]
    [InlineData("vgg19_bn")]
    public void AllSitesAreFarSlowerThanNoneForDeepZooNetworks(string name)
    {
        var net = Zoo.Get(name);
        foreach (int batch in new[] { 32, 128 })
        {
            var eval = new ScalarEvaluator(ModelTables.Build(net, ArchSpec.Load("deeptrain"), batch));
            double ratio = eval.TimePerBatchSeconds(SiteMask.All(net.SiteCount)) / eval.TimePerBatchSeconds(SiteMask.None(net.SiteCount));
            Assert.True(ratio > 4, $"{name} B={batch}: all/none = {ratio}");
        }
    }

    [Fact]
    public void PrintsTheAllOverNoneTable()
    {
        // Source of the table in docs/MODEL.md (run with --logger "console;verbosity=detailed").
        foreach (var arch in new[] { "deeptrain", "isaac", "pipelayer" })
            foreach (var name in Zoo.Names)
            {
                var net = Zoo.Get(name);
                var eval = new ScalarEvaluator(ModelTables.Build(net, ArchSpec.Load(arch), 64));
                var all = eval.Evaluate(SiteMask.All(net.SiteCount));
                var none = eval.Evaluate(SiteMask.None(net.SiteCount));
                output.WriteLine(FormattableString.Invariant(
                    $"| {arch} | {name} | {net.SiteCount} | {all.Chips} | {none.TimePerBatchSeconds * 1e3:G4} | {all.TimePerBatchSeconds * 1e3:G4} | {all.TimePerBatchSeconds / none.TimePerBatchSeconds:F1} | {none.EnergyPerImageJoules * 1e3:G4} | {all.EnergyPerImageJoules * 1e3:G4} |"));
            }
    }
}
