using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Search.Surrogates;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Search;

public class AcquisitionTests
{
    private static GpSnapshot Snapshot(int sites, int n, int seed, out ulong[] cands, out double[] f, int count = 300)
    {
        var rng = new Random(seed);
        var gp = new GaussianProcess(sites);
        for (int i = 0; i < n; i++)
        {
            var m = SiteMask.FromIndices(sites, Enumerable.Range(0, sites).Where(_ => rng.NextDouble() < 0.7));
            gp.Add(m.Words, 85 + 0.3 * m.Count);
        }
        cands = new ulong[count];
        var sm = new SplitMix64((ulong)seed);
        for (int i = 0; i < count; i++) CandidateGenerator.RandomMask(cands.AsSpan(i, 1), sites, ref sm);
        f = new double[count];
        new SitesObjective(sites).Evaluate(cands, count, f);
        return gp.Snapshot();
    }

    [Theory]
    [InlineData(AcquisitionKind.ConstrainedEi)]
    [InlineData(AcquisitionKind.ProbabilityOfFeasibility)]
    [InlineData(AcquisitionKind.Ucb)]
    [InlineData(AcquisitionKind.Thompson)]
    public void CandidatesThatCannotImproveGetZeroWithoutGpWork(AcquisitionKind kind)
    {
        var snap = Snapshot(30, 25, 1, out var c, out var f);
        var ctx = new AcquisitionContext(kind, 90, 12, 2, 77);
        var s = new double[f.Length];
        int work = AcquisitionFunction.Score(snap, ctx, c, f.Length, f, s);
        Assert.Equal(f.Count(x => x < 12), work);
        for (int i = 0; i < f.Length; i++)
        {
            if (f[i] >= 12) Assert.Equal(0, s[i]);
            Assert.True(s[i] >= 0);
        }
    }

    [Fact]
    public void ConstrainedEiIsGainTimesProbabilityOfFeasibility()
    {
        var snap = Snapshot(20, 15, 2, out var c, out var f, 40);
        var ctx = new AcquisitionContext(AcquisitionKind.ConstrainedEi, 91, 15);
        var s = new double[40];
        AcquisitionFunction.Score(snap, ctx, c, 40, f, s);
        for (int i = 0; i < 40; i++)
        {
            var (m, v) = snap.Predict(c.AsSpan(i, 1));
            double expected = Math.Max(0, 15 - f[i]) * AcquisitionFunction.NormalCdf((m - 91) / Math.Sqrt(v));
            Assert.Equal(expected, s[i], 9);
        }
        Assert.Equal(0.5, AcquisitionFunction.NormalCdf(0), 7);
        Assert.Equal(0.9750021, AcquisitionFunction.NormalCdf(1.96), 6);
    }

    [Fact]
    public void ThompsonScoresDoNotDependOnChunking()
    {
        var snap = Snapshot(20, 15, 3, out var c, out var f, 600);
        var ctx = new AcquisitionContext(AcquisitionKind.Thompson, 90, 30, 2, 5);
        var all = new double[600]; var parts = new double[600];
        AcquisitionFunction.Score(snap, ctx, c, 600, f, all);
        AcquisitionFunction.Score(snap, ctx, c.AsSpan(0, 123), 123, f.AsSpan(0, 123), parts.AsSpan(0, 123));
        AcquisitionFunction.Score(snap, ctx, c.AsSpan(123), 477, f.AsSpan(123), parts.AsSpan(123));
        Assert.Equal(all, parts);
    }

    [Theory]
    [InlineData("pf", BatchStrategy.KrigingBeliever)]
    [InlineData("ucb", BatchStrategy.KrigingBeliever)]
    [InlineData("ts", BatchStrategy.Thompson)]
    [InlineData("ei", BatchStrategy.Thompson)]
    public async Task EveryAcquisitionImprovesOnAllSites(string acq, BatchStrategy batch)
    {
        var p = new CriticalSitesProblem(16, 4, 8);
        var cfg = new StudyConfig
        {
            Network = "", SiteCount = 16, Objective = p.Objective.Name, Oracle = "synthetic", Method = "bo",
            TolerancePercent = 0.5, Budget = 30, BatchSize = 3, Seed = 2, Candidates = 2000,
        };
        var bo = new BoProposer(new BoOptions { Acquisition = AcquisitionContext.ParseKind(acq), Batch = batch, Candidates = 2000 });
        var s = new Study(cfg, p.Objective, bo);
        await StudyRunner.RunAsync(s, new SyntheticOracle(p), null);
        double all = p.Objective.EvaluateOne(SiteMask.All(16));
        Assert.True(s.State.Incumbent!.Objective < 0.6 * all, $"{acq}: best {s.State.Incumbent.Objective} vs all {all}");
        var masks = s.State.Observations.Select(o => o.Mask).ToList();
        Assert.Equal(masks.Count, masks.Distinct().Count());
    }
}

public class TopKTests
{
    [Theory]
    [InlineData(AcquisitionKind.ConstrainedEi)]
    [InlineData(AcquisitionKind.ProbabilityOfFeasibility)]
    [InlineData(AcquisitionKind.Ucb)]
    public void BoundPrunedTopKEqualsFullScoring(AcquisitionKind kind)
    {
        var rng = new Random(4);
        var gp = new GaussianProcess(40);
        for (int i = 0; i < 60; i++)
        {
            var m = SiteMask.FromIndices(40, Enumerable.Range(0, 40).Where(_ => rng.NextDouble() < 0.8));
            gp.Add(m.Words, 80 + 0.3 * m.Count + rng.NextDouble());
        }
        gp.Fit(1);
        var snap = gp.Snapshot();
        const int n = 5000;
        var c = new ulong[n]; var sm = new SplitMix64(9);
        for (int i = 0; i < n; i++) CandidateGenerator.RandomMask(c.AsSpan(i, 1), 40, ref sm);
        var f = new double[n]; new SitesObjective(40).Evaluate(c, n, f);
        var ctx = new AcquisitionContext(kind, 90, 36);
        var full = new double[n];
        AcquisitionFunction.Score(snap, ctx, c, n, f, full);
        var expected = Enumerable.Range(0, n).Where(i => full[i] > 0)
            .OrderByDescending(i => full[i]).ThenBy(i => f[i]).ThenBy(i => i).Take(50).ToList();
        var top = new List<(int Index, double Score)>();
        int variances = AcquisitionFunction.TopK(snap, ctx, c, n, f, 50, top);
        Assert.Equal(expected, top.Select(t => t.Index).ToList());
        for (int j = 0; j < top.Count; j++) Assert.Equal(full[top[j].Index], top[j].Score, 12);
        Assert.True(variances < f.Count(x => x < 36), "pruning computed every variance");
    }
}

public class ModelObjectiveTests
{
    [Theory]
    [InlineData(DeepTrain.Model.Search.Problems.ModelFigure.TimePerBatch)]
    [InlineData(DeepTrain.Model.Search.Problems.ModelFigure.EnergyPerImage)]
    public void AdapterAgreesWithTheScalarEvaluatorAndSeedsAreTheDpPlacements(DeepTrain.Model.Search.Problems.ModelFigure figure)
    {
        var net = DeepTrain.Model.Workloads.Zoo.Resolve("resnet20");
        var tables = DeepTrain.Model.Evaluation.ModelTables.Build(net, DeepTrain.Model.Hardware.ArchSpec.Load("deeptrain"), 64);
        var obj = new ModelObjective(tables, figure);
        var scalar = new DeepTrain.Model.Evaluation.ScalarEvaluator(tables);
        var rng = new SplitMix64(1);
        const int n = 37;
        var packed = new ulong[n];
        for (int i = 0; i < n; i++) CandidateGenerator.RandomMask(packed.AsSpan(i, 1), net.SiteCount, ref rng);
        var v = new double[n];
        obj.Evaluate(packed, n, v);
        for (int i = 0; i < n; i++)
        {
            double expected = figure == ModelFigure.TimePerBatch
                ? scalar.TimePerBatchSeconds(packed.AsSpan(i, 1)) : scalar.EnergyPerImageJoules(packed.AsSpan(i, 1));
            Assert.Equal(expected, v[i], expected * 1e-9);
        }
        Assert.Equal(DeepTrain.Model.Evaluation.PlacementDp.Solve(tables).Select(p => p.Mask), obj.Seeds);
    }
}
