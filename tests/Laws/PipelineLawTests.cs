using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Support;

namespace DeepTrain.Tests.Laws;

/// <summary>Properties the model must obey for any network, spec, batch and mask.</summary>
public class PipelineLawTests
{
    private static readonly string[] Archs = ["isaac", "pipelayer", "deeptrain"];

    [Fact]
    public void RemovingAnActiveSiteNeverSlowsTheBatch()
    {
        var rng = new Random(2026);
        for (int trial = 0; trial < 60; trial++)
        {
            var net = TestNetworks.Random(rng);
            var spec = ArchSpec.Load(Archs[trial % 3]);
            int batch = new[] { 1, 2, 8, 32, 64, 256 }[rng.Next(6)];
            var eval = new ScalarEvaluator(ModelTables.Build(net, spec, batch));
            for (int k = 0; k < 20; k++)
            {
                var mask = TestNetworks.RandomMask(rng, net.SiteCount);
                double t = eval.TimePerBatchSeconds(mask);
                foreach (int site in mask.ActiveSites())
                {
                    double without = eval.TimePerBatchSeconds(mask.With(site, false));
                    Assert.True(without <= t * (1 + 1e-12), $"{net.Name} {spec.Name} B={batch} mask {mask}: removing site {site} {t} → {without}");
                }
            }
        }
    }

    [Theory]
    [InlineData(20, 32)]
    [InlineData(56, 64)]
    [InlineData(110, 128)]
    public void AllSitesAreFarSlowerThanNoneForDeepNetworks(int convs, int batch)
    {
        var net = TestNetworks.Chain(convs, 16, 32);
        foreach (var arch in Archs)
        {
            var eval = new ScalarEvaluator(ModelTables.Build(net, ArchSpec.Load(arch), batch));
            double all = eval.TimePerBatchSeconds(SiteMask.All(net.SiteCount));
            double none = eval.TimePerBatchSeconds(SiteMask.None(net.SiteCount));
            Assert.True(all > 5 * none, $"{arch} {convs} convs B={batch}: all {all} none {none}");
        }
    }

    [Fact]
    public void BatchOfOneIsOnePassThroughAllStagesWhenNoSiteIsActive()
    {
        var t = ModelTables.Build(TestNetworks.Chain(10), ArchSpec.Load("deeptrain"), 1);
        var p = t.Pipeline;
        double expect = p.ForwardSeconds.Sum() + p.BackwardSeconds.Sum() + p.Update.Seconds;
        Assert.Equal(expect, new ScalarEvaluator(t).TimePerBatchSeconds(SiteMask.None(p.Network.SiteCount)), 15);
    }

    [Fact]
    public void EnergyAndTimeArePositiveAndAverageIsConsistent()
    {
        var net = TestNetworks.Chain(20);
        var e = new ScalarEvaluator(ModelTables.Build(net, ArchSpec.Load("deeptrain"), 64)).Evaluate(SiteMask.All(net.SiteCount));
        Assert.True(e.TimePerBatchSeconds > 0 && e.EnergyPerImageJoules > 0 && e.AreaMm2 > 0);
        Assert.Equal(e.EnergyPerImageJoules * 64 / e.TimePerBatchSeconds, e.AveragePowerWatts, 9);
        double segs = e.Segments.Sum(s => s.MakespanSeconds) + e.Sites.Sum(s => s.Seconds) + e.WeightUpdateSeconds;
        Assert.Equal(e.TimePerBatchSeconds, segs, 12);
        Assert.Equal(2 * net.SiteCount + 1, e.Segments.Count); // forward runs, one joined, backward runs
    }
}
