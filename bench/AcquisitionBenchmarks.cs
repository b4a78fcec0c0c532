using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using BenchmarkDotNet.Attributes;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Hosting;
using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Problems;

namespace DeepTrain.Bench;

/// <summary>
/// Distributed BO acquisition: one round of <see cref="Candidates"/> candidates scored against a GP with
/// <see cref="Observations"/> observations (53 sites, constrained EI with no feasible mask yet, so every candidate needs
/// its full posterior), split into chunks of <see cref="Chunk"/> for AcquisitionWorkers in <see cref="Workers"/> separate
/// `deeptrain node --role worker` processes on loopback (one acquisition worker each). Workers = 0 is the baseline:
/// the same chunked scoring in this process on one thread. The shortlist is checked against the local one in setup.
/// Needs the Release launcher: `dotnet build -c Release` at the repository root first.
/// Run: dotnet run -c Release --project bench -- --filter "*Acquisition*"
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class AcquisitionClusterBenchmarks
{
    /// <summary>The coordinator's acquisition side alone (the StudyCoordinator minus the study), as the singleton.</summary>
    private sealed class Hub : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;
        public Hub(int chunk)
        {
            var d = new AcquisitionDispatch("bench", chunk, TimeSpan.FromMinutes(5));
            Receive<ScoreRound>(d.Begin);
            Receive<RequestCandidateChunk>(r => { Context.Watch(Sender); d.Request(Sender, r.Slots); });
            Receive<ScoredCandidates>(s => d.Scored(s, Sender));
            Receive<Terminated>(t => d.Lost(t.ActorRef));
            Receive<RequestEvaluation>(_ => Sender.Tell(new NoWorkNow("bench")));
            Receive<GetStudyStatus>(_ => Sender.Tell(new StudyStatus("bench", d.KnownWorkers, 0, false, null, 0)));
        }
    }

    [Params(0, 1, 2)] public int Workers;
    [Params(1024, 4096, 16384)] public int Chunk;
    public const int Candidates = 65536;
    public const int Observations = 200;

    private ActorSystem _system = null!;
    private readonly List<Process> _nodes = new();
    private ScoringRound _round = null!;
    private ActorScorer _scorer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var gp = SearchData.Gp(Observations);
        gp.Fit(1);
        var cands = SearchData.RandomCandidates(Candidates, 7);
        var f = new double[Candidates];
        new SitesObjective(SearchData.Sites).Evaluate(cands, Candidates, f);
        var ctx = new AcquisitionContext(AcquisitionKind.ConstrainedEi, 88, double.PositiveInfinity);
        _round = new ScoringRound(gp.Snapshot(), ctx, cands, f, Candidates, 1, 512, new HashSet<ulong>());
        _scorer = new ActorScorer(Chunk);
        if (Workers == 0) return;

        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        _system = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = [StudyTopology.CoordinatorRole] });
        _system.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new Hub(Chunk)), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(_system).WithRole(StudyTopology.CoordinatorRole)), StudyTopology.SingletonName);
        var launcher = Launcher();
        for (int i = 0; i < Workers; i++)
        {
            var p = Process.Start(new ProcessStartInfo(launcher)
            {
                ArgumentList = { "node", "--role", "worker", "--seed", seed, "--workers", "1", "--oracle-slots", "0" },
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            p.OutputDataReceived += (_, _) => { }; p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            _nodes.Add(p);
        }
        var proxy = StudyTopology.CoordinatorProxy(_system, "bench-proxy");
        var until = DateTime.UtcNow.AddSeconds(60);
        while (proxy.Ask<StudyStatus>(new GetStudyStatus("bench"), TimeSpan.FromSeconds(10)).Result.Observations < Workers)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("acquisition workers did not join");
            Thread.Sleep(100);
        }
        var hub = _system.ActorSelection("/user/study/singleton").ResolveOne(TimeSpan.FromSeconds(10)).Result;
        _scorer.Attach(hub);
        var local = new LocalScorer(Chunk).Shortlist(_round, default);
        var remote = _scorer.Shortlist(_round, default);
        if (!local.SequenceEqual(remote) || _scorer.RemoteChunks == 0)
            throw new InvalidOperationException("distributed shortlist differs from the local one, or no chunk was scored remotely");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var p in _nodes) { try { p.Kill(entireProcessTree: true); p.WaitForExit(5000); } catch (InvalidOperationException) { } }
        _system?.Terminate().Wait(TimeSpan.FromSeconds(15));
    }

    /// <summary>One acquisition round; reported per candidate.</summary>
    [Benchmark(OperationsPerInvoke = Candidates)]
    public int ScoreRound() => _scorer.Shortlist(_round, default).Count;

    private static string Launcher()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeepTrain.sln")))
            {
                var exe = Path.Combine(dir.FullName, "src", "Launcher", "bin", "Release", "net10.0", "deeptrain");
                return File.Exists(exe) ? exe : throw new FileNotFoundException("build the launcher first: dotnet build -c Release", exe);
            }
        throw new DirectoryNotFoundException("repository root (DeepTrain.sln) not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

/// <summary>
/// The per-batch messaging work of distributed acquisition, without processes: serialize + deserialize one candidate
/// chunk and its shortlist reply (K = 512), and a round's GP snapshot, with the cluster's <see cref="Actors.Serialization.ContractSerializer"/>.
/// Run: dotnet run -c Release --project bench -- --filter "*AcquisitionMessage*"
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class AcquisitionMessageBenchmarks
{
    [Params(1024, 4096, 16384)] public int Chunk;
    [Params(200, 1000)] public int Observations;

    private ActorSystem _system = null!;
    private Actors.Serialization.ContractSerializer _ser = null!;
    private CandidateChunk _chunk = null!;
    private ScoredCandidates _reply = null!;
    private Actors.Contracts.GpSnapshot _snapshot = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "msg" });
        _ser = new Actors.Serialization.ContractSerializer((ExtendedActorSystem)_system);
        var cands = SearchData.RandomCandidates(Chunk, 3);
        _chunk = new CandidateChunk("s", 1, 7, 0, Chunk, cands, cands.Select(c => (double)ulong.PopCount(c)).ToArray());
        _reply = new ScoredCandidates("s", 1, 7, Enumerable.Range(0, 512).ToArray(), Enumerable.Range(0, 512).Select(i => 1.0 / (i + 1)).ToArray(), "w", 0.01);
        var gp = SearchData.Gp(Observations);
        var td = gp.Training();
        _training = new GpTraining("s", 1, (int)td.Kernel, td.SiteCount, td.CountFeature, td.Theta, td.X, td.Y, 0, 88,
            double.PositiveInfinity, 2, 0, new ulong[Observations], 512);
        var d = gp.Snapshot().Export();
        _snapshot = new Actors.Contracts.GpSnapshot("s", 1, (int)d.Kernel, d.SiteCount, d.CountFeature, d.Theta, d.X, d.Count, d.Alpha,
            d.LinvPacked, d.Mean, d.Std, 0, 88, double.PositiveInfinity, 2, 0, new ulong[Observations], 512);
    }

    private GpTraining _training = null!;

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>The O(n) alternative to <see cref="Snapshot"/> for large n: ship the training data, refactor on the worker.</summary>
    [Benchmark]
    public object Training()
    {
        var t = (GpTraining)_ser.FromBinary(_ser.ToBinary(_training), "gd");
        return Model.Search.Surrogates.GaussianProcess.FromTraining(new Model.Search.Surrogates.GpTrainingData(
            (Model.Search.Surrogates.KernelKind)t.Kernel, t.SiteCount, t.CountFeature, t.Theta, t.X, t.Y)).Snapshot();
    }

    /// <summary>One chunk out and its shortlist back (both directions' serializer work).</summary>
    [Benchmark]
    public object ChunkAndReply() => (_ser.FromBinary(_ser.ToBinary(_chunk), "cc"), _ser.FromBinary(_ser.ToBinary(_reply), "sc"));

    /// <summary>One GP snapshot (sent once per worker per round) and its rebuild on the worker.</summary>
    [Benchmark]
    public object Snapshot()
    {
        var s = (Actors.Contracts.GpSnapshot)_ser.FromBinary(_ser.ToBinary(_snapshot), "gs");
        return Model.Search.Surrogates.GpSnapshot.Import(new Model.Search.Surrogates.GpSnapshotData(
            (Model.Search.Surrogates.KernelKind)s.Kernel, s.SiteCount, s.CountFeature, s.Theta, s.X, s.Count, s.Alpha, s.LinvPacked, s.Mean, s.Std));
    }
}
