using Akka.Actor;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

public sealed class StudyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>One process, provider = local: the baseline every other run must equal.</summary>
    private static async Task<string> RunSingleProcess(int workers = 1)
    {
        var db = TempDb();
        using var store = new StudyStore(db);
        var spec = Spec();
        using var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "single" });
        var coord = StudyTopology.StartLocalCoordinator(sys, spec, store, StudyProposals.ForSpec(spec, "synthetic"));
        StudyTopology.StartEvaluationWorkers(sys, coord, new SyntheticOracle(), workers, 2);
        await AwaitFinished(coord, Limit);
        await sys.Terminate();
        return db;
    }

    [Fact]
    public async Task SingleProcessStudyCompletesTheBudgetAndIsDeterministic()
    {
        var a = Study(await RunSingleProcess(1));
        var b = Study(await RunSingleProcess(3));
        Assert.Equal(16, a.Count);
        Assert.Equal(16, a.Select(o => o.Item2).Distinct().Count()); // never re-proposes a mask
        Assert.Equal(a, b);
    }

    [Fact]
    public void LateDuplicateResultIsRecordedOnce()
    {
        var db = TempDb();
        using var store = new StudyStore(db);
        store.AddProposals("s1", [new StoredProposal(0, 0, "0101")]);
        Assert.True(store.TryRecord("s1", new StoredObservation(0, "0101", 91.0, null, "w1")));
        Assert.False(store.TryRecord("s1", new StoredObservation(0, "0101", 91.5, null, "w2")));
        var obs = Assert.Single(store.Observations("s1"));
        Assert.Equal(91.0, obs.Accuracy);
    }

    [Fact]
    public async Task ThreeNodeStudyEqualsSingleProcessStudyWithTheSameSeed()
    {
        var single = Study(await RunSingleProcess());
        var db = TempDb();
        using var store = new StudyStore(db);
        var spec = Spec();
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        using var coordNode = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = ["coordinator"] });
        using var w1 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        using var w2 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        try
        {
            StudyTopology.StartCoordinatorSingleton(coordNode, spec, store, StudyProposals.ForSpec(spec, "synthetic"));
            var o1 = new SyntheticOracle(); var o2 = new SyntheticOracle();
            StudyTopology.StartEvaluationWorkers(w1, StudyTopology.CoordinatorProxy(w1), o1, 1, 2);
            StudyTopology.StartEvaluationWorkers(w2, StudyTopology.CoordinatorProxy(w2), o2, 1, 2);
            await AwaitFinished(StudyTopology.CoordinatorProxy(coordNode), Limit);
            Assert.Equal(single, Study(db));
            // …and exactly the observations of the single-process `optimize` engine (Study + StudyRunner, BO).
            var optimize = await RunOptimizeStudy(spec);
            Assert.Equal(spec.Budget, optimize.Count);
            Assert.Equal(optimize, Study(db).Select(o => (o.Item2, o.Item3)).ToList());
            Assert.True(o1.CompletedCalls.Count > 0 || o2.CompletedCalls.Count > 0);
        }
        finally { await Task.WhenAll(w1.Terminate(), w2.Terminate(), coordNode.Terminate()); }
    }

    [Fact]
    public async Task KillingAWorkerMidOracleLosesNothing()
    {
        var single = Study(await RunSingleProcess());
        var db = TempDb();
        using var store = new StudyStore(db);
        var spec = Spec() with { ReissueAfter = TimeSpan.FromSeconds(2) };
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        using var coordNode = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = ["coordinator"] });
        var doomed = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        using var healthy = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        try
        {
            StudyTopology.StartCoordinatorSingleton(coordNode, spec, store, StudyProposals.ForSpec(spec, "synthetic"));
            var stuck = new SyntheticOracle { Hang = _ => true };
            StudyTopology.StartEvaluationWorkers(doomed, StudyTopology.CoordinatorProxy(doomed), stuck, 1, 2);
            var proxy = StudyTopology.CoordinatorProxy(coordNode);
            // Wait until the doomed worker holds oracle calls, then kill its node.
            var until = DateTime.UtcNow + Limit;
            while (stuck.StartedCalls.IsEmpty) { Assert.True(DateTime.UtcNow < until); await Task.Delay(20); }
            StudyTopology.StartEvaluationWorkers(healthy, StudyTopology.CoordinatorProxy(healthy), new SyntheticOracle(), 1, 2);
            await doomed.Terminate();
            await AwaitFinished(proxy, Limit);
            Assert.Equal(single, Study(db));
            Assert.Empty(stuck.CompletedCalls);
        }
        finally { await Task.WhenAll(healthy.Terminate(), coordNode.Terminate(), doomed.Terminate()); }
    }

    [Fact]
    public async Task RestartedCoordinatorResumesFromTheStoreWithNoRepeatedOracleCall()
    {
        var single = Study(await RunSingleProcess());
        var db = TempDb();
        var spec = Spec();
        var oracle = new SyntheticOracle();
        int completedBeforeKill = 6;
        // First life: calls after the sixth hang, so the coordinator dies with work in flight.
        int started = 0;
        oracle.Hang = _ => Interlocked.Increment(ref started) > completedBeforeKill;
        using (var store = new StudyStore(db))
        {
            var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "life1" });
            var coord = StudyTopology.StartLocalCoordinator(sys, spec, store, StudyProposals.ForSpec(spec, "synthetic"));
            StudyTopology.StartEvaluationWorkers(sys, coord, oracle, 1, 2);
            await AwaitObservations(coord, completedBeforeKill, Limit);
            await sys.Terminate();
        }
        Assert.Equal(completedBeforeKill, Study(db).Count);
        oracle.Hang = _ => false;
        using (var store = new StudyStore(db))
        {
            using var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "life2" });
            var coord = StudyTopology.StartLocalCoordinator(sys, spec, store, StudyProposals.ForSpec(spec, "synthetic"));
            StudyTopology.StartEvaluationWorkers(sys, coord, oracle, 1, 2);
            await AwaitFinished(coord, Limit);
            await sys.Terminate();
        }
        Assert.Equal(single, Study(db));
        Assert.All(oracle.CompletedCalls.Values, n => Assert.Equal(1, n)); // no completed oracle call repeated
        Assert.Equal(spec.Budget, oracle.CompletedCalls.Count);
    }
}
