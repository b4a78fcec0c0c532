using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

/// <summary>BO candidate scoring spread over AcquisitionWorkers must leave the study exactly as the local engine runs it.</summary>
public sealed class AcquisitionWorkerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Registers as an acquisition worker, then swallows every chunk (a hung or overloaded node).</summary>
    private sealed class SilentWorker : ReceiveActor
    {
        public static int Chunks;
        public SilentWorker(IActorRef coordinator)
        {
            coordinator.Tell(new RequestCandidateChunk("silent", 2));
            Receive<CandidateChunk>(_ => Interlocked.Increment(ref Chunks));
            ReceiveAny(_ => { });
        }
    }

    private static StudySpec AcqSpec() => Spec() with { ChunkCandidates = 128, ChunkReissueAfter = TimeSpan.FromMilliseconds(400) };

    /// <summary>A one-process study whose scoring goes through an <see cref="ActorScorer"/>; <paramref name="workers"/>
    /// starts acquisition workers next to the coordinator. Returns (study, remote chunks).</summary>
    private static async Task<(List<(string, double)> Study, long Remote)> RunOneProcess(StudySpec spec, Action<ActorSystem, IActorRef> workers)
    {
        var db = TempDb();
        using var store = new StudyStore(db);
        var scorer = new ActorScorer(spec.ChunkCandidates);
        using var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "acq" });
        var coord = StudyTopology.StartLocalCoordinator(sys, spec, store, StudyProposals.ForSpec(spec, "synthetic", scorer: scorer), scorer);
        workers(sys, coord);
        StudyTopology.StartEvaluationWorkers(sys, coord, new SyntheticOracle(), 1, 2);
        await AwaitFinished(coord, Limit);
        await sys.Terminate();
        return (Study(db).Select(o => (o.Item2, o.Item3)).ToList(), scorer.RemoteChunks);
    }

    [Fact]
    public async Task OneProcessStudyWithAcquisitionWorkersEqualsTheLocalEngine()
    {
        var spec = AcqSpec();
        var (study, remote) = await RunOneProcess(spec, (sys, coord) => StudyTopology.StartAcquisitionWorkers(sys, coord, 2));
        Assert.Equal(await RunOptimizeStudy(spec), study);
        Assert.True(remote >= 16, $"remote chunks {remote}"); // 2000 candidates / 128 per round
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // workers refactor the GP from its training data instead of receiving the snapshot
    public async Task AcquisitionOnTwoWorkerNodesEqualsTheLocalEngine(bool shipTraining)
    {
        var spec = AcqSpec() with { ShipTrainingAboveBytes = shipTraining ? 0 : long.MaxValue };
        var expected = await RunOptimizeStudy(spec);
        var db = TempDb();
        using var store = new StudyStore(db);
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        using var coordNode = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = ["coordinator"] });
        using var w1 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        using var w2 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        try
        {
            var scorer = new ActorScorer(spec.ChunkCandidates);
            StudyTopology.StartCoordinatorSingleton(coordNode, spec, store, StudyProposals.ForSpec(spec, "synthetic", scorer: scorer), scorer);
            foreach (var w in new[] { w1, w2 })
            {
                var proxy = StudyTopology.CoordinatorProxy(w);
                StudyTopology.StartAcquisitionWorkers(w, proxy, 1);
                StudyTopology.StartEvaluationWorkers(w, proxy, new SyntheticOracle(), 1, 2);
            }
            await AwaitFinished(StudyTopology.CoordinatorProxy(coordNode), Limit);
            Assert.Equal(expected, Study(db).Select(o => (o.Item2, o.Item3)).ToList());
            Assert.True(scorer.RemoteChunks > 0, "no chunk was scored on a worker node");
        }
        finally { await Task.WhenAll(w1.Terminate(), w2.Terminate(), coordNode.Terminate()); }
    }

    [Fact]
    public async Task ASilentAcquisitionWorkerDoesNotStallOrChangeTheStudy()
    {
        var spec = AcqSpec();
        int before = SilentWorker.Chunks;
        var (study, _) = await RunOneProcess(spec, (sys, coord) =>
        {
            sys.ActorOf(Props.Create(() => new SilentWorker(coord)), "silent");
            StudyTopology.StartAcquisitionWorkers(sys, coord, 1);
        });
        Assert.Equal(await RunOptimizeStudy(spec), study);
        Assert.True(SilentWorker.Chunks > before, "the silent worker was never given a chunk");
    }
}
