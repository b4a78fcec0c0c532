using System.Collections.Concurrent;
using System.Text.Json;
using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Study;
using DeepTrain.Tests.Launcher;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

/// <summary>`deeptrain optimize --cluster`: studies submitted to a coordinator node and run by worker nodes (all on loopback).</summary>
public sealed class ClusterOptimizeTests
{
    /// <summary>"slowsyn:critical-…": the synthetic oracle, 150 ms per call, counting calls per (mask, seed) so a
    /// test can check that no oracle call is ever made twice.</summary>
    public static readonly ConcurrentDictionary<string, int> SlowCalls = new();

    static ClusterOptimizeTests()
    {
        OracleRegistry.Register("slowsyn", (arg, ctx) => new SlowOracle(new DeepTrain.Model.Search.Oracles.SyntheticOracle(OracleRegistry.SyntheticProblem(arg, ctx.SiteCount))));
    }

    private sealed class SlowOracle(IAccuracyOracle inner) : IAccuracyOracle
    {
        public string Name => "slowsyn";
        public async Task<OracleResult> EvaluateAsync(OracleRequest r, CancellationToken ct)
        {
            SlowCalls.AddOrUpdate($"{r.Mask}/{r.Seed}", 1, (_, n) => n + 1);
            await Task.Delay(150, ct);
            return await inner.EvaluateAsync(r, ct);
        }
    }

    private sealed class Cluster : IAsyncDisposable
    {
        public required string Seed { get; init; }
        public required List<ActorSystem> Systems { get; init; }
        public required StudyStore Store { get; init; }
        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(Systems.Select(s => s.Terminate()));
            Store.Dispose();
        }
    }

    /// <summary>A coordinator node hosting studies and two worker nodes, as `deeptrain node` starts them.</summary>
    private static Cluster Start(string db, IReadOnlyList<string> allow)
    {
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        var store = new StudyStore(db);
        var coord = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = ["coordinator"] });
        StudyTopology.StartStudyHostSingleton(coord, store, chunkCandidates: 128);
        var systems = new List<ActorSystem> { coord };
        for (int i = 0; i < 2; i++)
        {
            var w = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
            StudyTopology.StartStudyWorkers(w, new OracleAllowList(allow), oracleSlots: 2, acquisitionWorkers: 1);
            systems.Add(w);
        }
        return new Cluster { Seed = seed, Systems = systems, Store = store };
    }

    private static List<string> Observations(string log) => StudyLog.Read(log).Observations.OrderBy(o => o.Round).ThenBy(o => o.Slot)
        .Select(o => $"{o.Round}/{o.Slot} {o.Mask} seed {o.Seed} acc {o.AccuracyPercent:R} obj {o.Objective:R} err {o.Error}").ToList();

    [Fact]
    public async Task OptimizeOnAThreeNodeClusterEqualsSingleNodeOptimizeWithTheSameSeed()
    {
        string[] common = ["optimize", "--net", "resnet20", "--objective", "time", "--oracle", "synthetic:critical-19-4-3",
                           "--budget", "14", "--proposals", "3", "--candidates", "600", "--seed", "5", "--reference-seeds", "2",
                           "--acquisition", "pf", "--json", "--quiet"];
        string single = Path.GetTempFileName(), clustered = Path.GetTempFileName(), again = Path.GetTempFileName();
        var one = CliRunner.Run([.. common, "--out", single]);
        Assert.True(one.Code == 0, one.Err);
        var db = TempDb();
        await using (var cluster = Start(db, []))
        {
            var c = await Task.Run(() => CliRunner.Run([.. common, "--out", clustered, "--cluster", cluster.Seed]));
            Assert.True(c.Code == 0, c.Err);
            Assert.Equal(Observations(single), Observations(clustered));
            Assert.Equal(StudyLog.Read(single).Asks.Select(a => string.Join(",", a.Items)), StudyLog.Read(clustered).Asks.Select(a => string.Join(",", a.Items)));
            var (j1, j2) = (JsonDocument.Parse(one.Out).RootElement, JsonDocument.Parse(c.Out).RootElement);
            foreach (var k in new[] { "mask", "activeSites", "accuracy", "oracleCalls", "speedupVsGpu" })
                Assert.Equal(j1.GetProperty(k).ToString(), j2.GetProperty(k).ToString());
            // Workers did the work: observations name worker nodes, and BO chunks were scored there.
            var stored = cluster.Store.Observations(cluster.Store.Studies().Single().StudyId);
            Assert.Equal(14, stored.Count);
            Assert.All(stored, o => Assert.Contains("/eval-0", o.WorkerId));

            // The same command again re-attaches to the finished study: same log, no new oracle call.
            var r = await Task.Run(() => CliRunner.Run([.. common, "--out", again, "--cluster", cluster.Seed]));
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal(Observations(clustered), Observations(again));
            Assert.Equal(14, cluster.Store.Observations(cluster.Store.Studies().Single().StudyId).Count);
            Assert.Single(cluster.Store.Studies());
        }
    }

    [Fact]
    public async Task ACommandOracleOutsideTheWorkersAllowListIsRefusedAndRecorded()
    {
        var log = Path.GetTempFileName();
        await using var cluster = Start(TempDb(), ["/usr/bin/python3"]);
        var r = await Task.Run(() => CliRunner.Run("optimize", "--sites", "4", "--objective", "sites", "--oracle", "command:/bin/echo 91",
            "--budget", "3", "--reference-seeds", "1", "--out", log, "--quiet", "--cluster", cluster.Seed));
        Assert.Equal(2, r.Code);
        Assert.Contains("no reference measurement succeeded", r.Err);
        var obs = Assert.Single(StudyLog.Read(log).Observations);
        Assert.Null(obs.AccuracyPercent);
        Assert.Contains("'/bin/echo' refused", obs.Error);
        Assert.Contains("/usr/bin/python3", obs.Error);
    }

    [Fact]
    public async Task CoordinatorHandOverMidStudyResumesFromTheStoreWithNoRepeatedOracleCall()
    {
        var request = new StudyRequest { Oracle = "slowsyn:critical-12-3-7", Sites = 12, Objective = "sites", Budget = 13, Batch = 3, Seed = 11, Candidates = 500 };
        // The single-node engine with the same seed (same accuracies, no delay).
        var setup = StudySetup.Build(request with { Oracle = "synthetic:critical-12-3-7" }, null, null);
        var reference = new Study(setup.Config, setup.Objective, setup.Proposer);
        await StudyRunner.RunAsync(reference, setup.CreateOracle(), null);

        var db = TempDb();
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        using var storeA = new StudyStore(db);
        using var storeB = new StudyStore(db);
        var a = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = ["coordinator"] });
        StudyTopology.StartStudyHostSingleton(a, storeA, 128);
        await Task.Delay(500); // a is the oldest coordinator node, so the singleton starts there
        var b = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["coordinator"] });
        StudyTopology.StartStudyHostSingleton(b, storeB, 128);
        var workers = Enumerable.Range(0, 2).Select(_ =>
        {
            var w = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
            StudyTopology.StartStudyWorkers(w, new OracleAllowList([]), 2, 1);
            return w;
        }).ToList();
        var client = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["client"] });
        try
        {
            var submit = new SubmitStudy("handover", "", "", "", 12, request.Objective, request.Oracle, "bo", "ei", 0.5, request.Budget,
                request.Batch, request.Seed, 1, request.Candidates, 64, 600, 0);
            int seen = 0;
            var handedOver = new TaskCompletionSource();
            var run = ClusterStudyClient.RunAsync(client, submit, _ => { }, rec =>
            {
                if ((seen += rec.Observations.Length) >= 5) handedOver.TrySetResult();
            }, TimeSpan.FromSeconds(60));
            await Task.WhenAny(handedOver.Task, run).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.False(run.IsCompleted, run.Exception?.GetBaseException().Message ?? "finished before the hand-over");
            await a.Terminate(); // leaves the cluster: the singleton moves to b, which resumes from the store
            await run.WaitAsync(TimeSpan.FromSeconds(90));

            var stored = storeB.Observations("handover").OrderBy(o => o.ProposalId).Select(o => (o.Mask, o.Accuracy)).ToList();
            Assert.Equal(reference.State.Observations.Select(o => (o.Mask, o.AccuracyPercent!.Value)).ToList(), stored);
            foreach (var o in reference.State.Observations)
                Assert.Equal(1, SlowCalls[$"{o.Mask}/{o.Seed}"]);
        }
        finally { await Task.WhenAll(workers.Select(w => w.Terminate()).Append(b.Terminate()).Append(client.Terminate()).Append(a.Terminate())); }
    }
}
