using Akka.Actor;
using Akka.TestKit.Xunit2;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Hosting;
using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Surrogates;
using DeepTrain.Model.Workloads;
using Contracts = DeepTrain.Actors.Contracts;

namespace DeepTrain.Tests.Actors;

/// <summary>Replies with the number of observations of a GP snapshot it received.</summary>
public sealed class SnapshotSink : ReceiveActor
{
    public SnapshotSink() => Receive<Contracts.GpSnapshot>(s => Sender.Tell(new Contracts.Pong(s.Count, "")));
}

public sealed class SnapshotWireTests() : TestKit(ClusterHost.BuildConfig(new NodeOptions { SystemName = "snapsender" }), "snapsender")
{
    private static ScoringRound Round(int n, int candidates = 1000)
    {
        var rng = new Random(n);
        var gp = new GaussianProcess(53);
        for (int i = 0; i < n; i++)
        {
            var m = SiteMask.FromIndices(53, Enumerable.Range(0, 53).Where(_ => rng.NextDouble() < 0.5));
            gp.Add(m.Words, 80 + 0.2 * m.Count + rng.NextDouble());
        }
        var cands = new ulong[candidates];
        for (int i = 0; i < candidates; i++) cands[i] = (ulong)rng.NextInt64() & ((1UL << 53) - 1);
        var f = cands.Select(c => (double)ulong.PopCount(c)).ToArray();
        return new ScoringRound(gp.Snapshot(), new AcquisitionContext(AcquisitionKind.ConstrainedEi, 88, double.PositiveInfinity),
            cands, f, candidates, 1, 64, new HashSet<ulong>());
    }

    /// <summary>A 400-observation snapshot is ~650 KB, far above Akka.Remote's 128 KB default frame: cluster.hocon must
    /// raise maximum-frame-size or acquisition workers never get their rounds.</summary>
    [Fact]
    public async Task ALargeGpSnapshotCrossesTheWire()
    {
        var r = Round(400);
        var d = r.Snapshot.Export();
        var msg = new Contracts.GpSnapshot("s", 1, (int)d.Kernel, d.SiteCount, d.CountFeature, d.Theta, d.X, d.Count, d.Alpha,
            d.LinvPacked, d.Mean, d.Std, 0, 88, double.PositiveInfinity, 2, 0, [], 64);
        Assert.True(AcquisitionDispatch.SnapshotBytes(r) > 600_000);
        using var receiver = ClusterHost.Start(new NodeOptions { SystemName = "snapreceiver" });
        try
        {
            receiver.ActorOf(Props.Create(() => new SnapshotSink()), "sink");
            var addr = ((ExtendedActorSystem)receiver).Provider.DefaultAddress;
            Sys.ActorSelection(new RootActorPath(addr) / "user" / "sink").Tell(msg, TestActor);
            ExpectMsg<Contracts.Pong>(p => p.Nonce == 400, TimeSpan.FromSeconds(15));
        }
        finally { await receiver.Terminate().WaitAsync(TimeSpan.FromSeconds(10)); }
    }

    [Fact]
    public async Task ASnapshotAboveTheLimitIsScoredOnTheCoordinatorInstead()
    {
        var r = Round(50);
        var worker = CreateTestProbe();
        var big = new AcquisitionDispatch("s", 128, TimeSpan.FromMinutes(1), maxSnapshotBytes: AcquisitionDispatch.SnapshotBytes(r) - 1);
        big.Request(worker.Ref, 2);
        var done = new TaskCompletionSource<RoundScores>();
        big.Begin(new ScoreRound(r, done));
        Assert.True(done.Task.IsCompleted);
        Assert.Equal(8, (await done.Task).Unscored.Count); // every chunk handed back for local scoring
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        var fits = new AcquisitionDispatch("s", 128, TimeSpan.FromMinutes(1), maxSnapshotBytes: AcquisitionDispatch.SnapshotBytes(r));
        fits.Request(worker.Ref, 2);
        var pending = new TaskCompletionSource<RoundScores>();
        fits.Begin(new ScoreRound(r, pending));
        Assert.False(pending.Task.IsCompleted);
        worker.ExpectMsg<Contracts.GpSnapshot>();      // the snapshot first,
        worker.ExpectMsg<Contracts.CandidateChunk>();  // then as many chunks as the worker asked for
        worker.ExpectMsg<Contracts.CandidateChunk>();
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // With the GP's training data at hand, a large snapshot is replaced by the O(n) data, not scored locally.
        var gp = new GaussianProcess(53);
        var rng = new Random(5);
        for (int i = 0; i < 50; i++) gp.Add([(ulong)rng.NextInt64() & ((1UL << 53) - 1)], 80 + rng.NextDouble());
        var withData = r with { Snapshot = gp.Snapshot(), Training = gp.Training() };
        var ship = new AcquisitionDispatch("s", 128, TimeSpan.FromMinutes(1), maxSnapshotBytes: 1, shipTrainingAboveBytes: 1);
        ship.Request(worker.Ref, 1);
        var shipped = new TaskCompletionSource<RoundScores>();
        ship.Begin(new ScoreRound(withData, shipped));
        Assert.False(shipped.Task.IsCompleted);
        var t = worker.ExpectMsg<Contracts.GpTraining>();
        Assert.Equal(50, t.Y.Length);
        worker.ExpectMsg<Contracts.CandidateChunk>();
    }
}
