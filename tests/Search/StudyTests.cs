using DeepTrain.Model.Search.Baselines;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Search;

public class StudyTests
{
    private static StudyConfig Config(ISyntheticProblem p, string method, int budget, int seed, int batch = 4) => new()
    {
        Network = "", SiteCount = p.SiteCount, Objective = p.Objective.Name, Oracle = "synthetic:" + p.Name, Method = method,
        TolerancePercent = p.TolerancePercent, Budget = budget, BatchSize = batch, Seed = seed, Candidates = 3000,
    };

    private static IMaskProposer Proposer(string method) => Proposers.Create(method, new BoOptions { Candidates = 3000 });

    private static Study RunStudy(ISyntheticProblem p, string method, int budget, int seed, int batch = 4, StudyLog? log = null)
    {
        var s = new Study(Config(p, method, budget, seed, batch), p.Objective, Proposer(method));
        StudyRunner.RunAsync(s, new SyntheticOracle(p), log).GetAwaiter().GetResult();
        return s;
    }

    // Stated budget: 16 sites, 4 critical, weighted costs — the unique optimum within 48 oracle calls (2^16 masks).
    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)]
    public void BoFindsTheKnownOptimumWithin48Calls(int seed)
    {
        var p = new CriticalSitesProblem(16, 4, seed);
        var s = RunStudy(p, "bo", 48, seed);
        Assert.True(s.State.OracleCalls <= 48);
        Assert.Equal(p.KnownOptimum, s.State.Incumbent?.Mask);
    }

    [Fact]
    public void BoBeatsRandomSearchOnAverageOverTenSeeds()
    {
        double bo = 0, rnd = 0;
        for (int seed = 1; seed <= 10; seed++)
        {
            var p = new CriticalSitesProblem(20, 5, 100 + seed);
            bo += RunStudy(p, "bo", 24, seed).State.Incumbent!.Objective;
            rnd += RunStudy(p, "random", 24, seed).State.Incumbent!.Objective;
        }
        Assert.True(bo < rnd, $"mean best cost: bo {bo / 10:F2}, random {rnd / 10:F2}");
    }

    [Fact]
    public void ContaminationControlUnderTheChanceConstraintNeedsEveryStage()
    {
        var p = new ContaminationProblem(1);
        // Dropping prevention at any one stage breaks that stage's chance constraint (bound 1 − 0.9^(17/3) ≈ 0.45).
        for (int i = 0; i < 25; i++)
            Assert.True(p.StageProbabilities(SiteMask.All(25).With(i, false))[i] <= 0.6);
        var s = RunStudy(p, "bo", 30, 1);
        Assert.Equal(p.KnownOptimum, s.State.Incumbent!.Mask);
        Assert.Equal(30, s.State.OracleCalls);
    }

    private static string Key(Observation o) => $"{o.Round}/{o.Slot}/{o.Mask}/{o.Seed}/{o.AccuracyPercent:R}/{o.Objective:R}";

    [Theory]
    [InlineData("bo")] [InlineData("random")] [InlineData("greedy")] [InlineData("everyk")]
    public void StudiesAreDeterministicUnderASeedAndNeverRepeatAMask(string method)
    {
        var p = new CriticalSitesProblem(12, 3, 9);
        var a = RunStudy(p, method, 30, 3); var b = RunStudy(p, method, 30, 3);
        Assert.Equal(a.State.Observations.Select(Key), b.State.Observations.Select(Key));
        var trials = a.State.Observations.Where(o => !o.IsReference).Select(o => o.Mask).ToList();
        Assert.Equal(trials.Count, trials.Distinct().Count());
        Assert.DoesNotContain(new string('1', 12), trials);
    }

    [Fact]
    public void GreedyDropsTheLeastHarmfulSiteEachStep()
    {
        var p = new CriticalSitesProblem(8, 2, 4, weighted: false);
        var s = RunStudy(p, "greedy", 200, 1, batch: 3);
        Assert.Equal(p.KnownOptimum, s.State.Incumbent?.Mask);
    }

    /// <summary>Cancels the study after a given number of oracle calls (a Ctrl-C in the middle of a round).</summary>
    private sealed class KillAfter(IAccuracyOracle inner, int calls, CancellationTokenSource cts) : IAccuracyOracle
    {
        private int _n;
        public string Name => inner.Name;
        public Task<OracleResult> EvaluateAsync(OracleRequest r, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _n) > calls) { cts.Cancel(); ct.ThrowIfCancellationRequested(); }
            return inner.EvaluateAsync(r, ct);
        }
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(13, true)]
    public async Task KilledAndResumedStudyEqualsUninterrupted(int killAfter, bool tearLastLine)
    {
        var p = new CriticalSitesProblem(16, 4, 2);
        var reference = RunStudy(p, "bo", 30, 5);

        var path = Path.GetTempFileName();
        var cfg = Config(p, "bo", 30, 5);
        var cts = new CancellationTokenSource();
        using (var log = StudyLog.Create(path, cfg))
        {
            var s = new Study(cfg, p.Objective, Proposer("bo"));
            Assert.ThrowsAny<OperationCanceledException>(() =>
                StudyRunner.RunAsync(s, new KillAfter(new SyntheticOracle(p), killAfter, cts), log, null, cts.Token).GetAwaiter().GetResult());
        }
        if (tearLastLine)
        {
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..^10]); // killed in the middle of writing the last observation
        }
        var contents = StudyLog.Read(path);
        int recorded = contents.Observations.Count;
        var oracle = new SyntheticOracle(p);
        var resumed = Study.Replay(contents, p.Objective, Proposer("bo"));
        using (var log = StudyLog.Append(path, contents.ValidLength))
            await StudyRunner.RunAsync(resumed, oracle, log);

        Assert.Equal(reference.State.Observations.Select(Key), resumed.State.Observations.Select(Key));
        Assert.Equal(30 - recorded, oracle.Calls); // no recorded call repeated
        var reread = StudyLog.Read(path);
        Assert.Equal(30, reread.Observations.Count);
        File.Delete(path);
    }
}
