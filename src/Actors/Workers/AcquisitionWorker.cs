using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Surrogates;

namespace DeepTrain.Actors.Workers;

/// <summary>
/// Pulls candidate chunks from the study coordinator and scores them against the round's GP snapshot (received
/// before the first chunk of each round, rebuilt with <see cref="Model.Search.Surrogates.GpSnapshot.Import"/>, or for
/// large n refactored from the GP's training data with <see cref="GaussianProcess.FromTraining"/>),
/// returning only the chunk's shortlist (<see cref="CandidateScoring.ChunkShortlist"/>, at most K entries). It states
/// <c>slots</c> once (default 2: one being scored, one on the way; each reply frees one) and re-states it every second
/// when idle, which also finds a coordinator that restarted or moved. A chunk of an unknown round is answered with an error and
/// re-issued by the coordinator. One chunk is scored at a time, on this actor's thread.
/// </summary>
public sealed class AcquisitionWorker : ReceiveActor, IWithTimers
{
    private sealed record Tick;
    private sealed record Round(long Version, Model.Search.Surrogates.GpSnapshot Snapshot, AcquisitionContext Context, HashSet<ulong> Observed, int K);

    private readonly IActorRef _coordinator;
    private readonly int _slots;
    private readonly string _id;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Round> _rounds = new();
    private DateTime _lastWork = DateTime.MinValue;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Chunks scored by this worker (for tests and operators).</summary>
    public long Scored { get; private set; }

    public AcquisitionWorker(IActorRef coordinator, int slots)
    {
        _coordinator = coordinator; _slots = Math.Max(1, slots);
        _id = $"{((ExtendedActorSystem)Context.System).Provider.DefaultAddress}/{Self.Path.Name}";
        Receive<Contracts.GpSnapshot>(OnSnapshot);
        Receive<GpTraining>(OnTraining);
        Receive<CandidateChunk>(OnChunk);
        Receive<NoWorkNow>(_ => { });
        Receive<Tick>(_ => { if (DateTime.UtcNow - _lastWork > TimeSpan.FromSeconds(1)) Ask(); });
    }

    public static Props Props(IActorRef coordinator, int slots = 2) => Akka.Actor.Props.Create(() => new AcquisitionWorker(coordinator, slots));

    protected override void PreStart()
    {
        Ask();
        Timers.StartPeriodicTimer("tick", new Tick(), TimeSpan.FromSeconds(1));
    }

    private void Ask() => _coordinator.Tell(new RequestCandidateChunk(_id, _slots));

    private void OnSnapshot(Contracts.GpSnapshot s) =>
        Install(s.StudyId, s.Version, "GP snapshot", () => Model.Search.Surrogates.GpSnapshot.Import(new GpSnapshotData(
                (KernelKind)s.Kernel, s.SiteCount, s.CountFeature, s.Theta, s.X, s.Count, s.Alpha, s.LinvPacked, s.Mean, s.Std)),
            s.Acquisition, s.Threshold, s.FBest, s.Kappa, s.ThompsonSeed, s.Observed, s.K);

    /// <summary>Large n: the coordinator sent the GP's training data; refactor it here (same result, O(n) bytes).</summary>
    private void OnTraining(GpTraining t) =>
        Install(t.StudyId, t.Version, "GP training data", () => GaussianProcess.FromTraining(new GpTrainingData(
                (KernelKind)t.Kernel, t.SiteCount, t.CountFeature, t.Theta, t.X, t.Y)).Snapshot(),
            t.Acquisition, t.Threshold, t.FBest, t.Kappa, t.ThompsonSeed, t.Observed, t.K);

    /// <summary>Makes the round's predictor and context current for the study; malformed data is logged and dropped
    /// (the study's chunks are then answered with an error and re-issued).</summary>
    private void Install(string study, long version, string what, Func<Model.Search.Surrogates.GpSnapshot> predictor,
        int acquisition, double threshold, double fBest, double kappa, ulong thompsonSeed, ulong[] observed, int k)
    {
        try
        {
            var snap = predictor();
            if (!Enum.IsDefined((AcquisitionKind)acquisition) || k < 1) throw new ArgumentException("bad acquisition kind or K");
            var ctx = new AcquisitionContext((AcquisitionKind)acquisition, threshold, fBest, kappa, thompsonSeed);
            _rounds[study] = new Round(version, snap, ctx, observed.ToHashSet(), k);
        }
        catch (Exception e) when (e is ArgumentException or ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidOperationException)
        {
            _log.Warning("acquisition worker: malformed {0} for study {1} dropped: {2}", what, study, e.Message);
            _rounds.Remove(study);
        }
    }

    private void OnChunk(CandidateChunk c)
    {
        _lastWork = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        ScoredCandidates reply;
        if (!_rounds.TryGetValue(c.StudyId, out var r) || r.Version != c.Version)
            reply = new ScoredCandidates(c.StudyId, c.Version, c.ChunkId, [], [], _id, 0, "no GP snapshot for this round");
        else if (c.Count < 0 || c.Masks.Length != c.Count * r.Snapshot.Kernel.Words || c.F.Length != c.Count)
            reply = new ScoredCandidates(c.StudyId, c.Version, c.ChunkId, [], [], _id, 0, "malformed chunk");
        else
        {
            var list = CandidateScoring.ChunkShortlist(r.Snapshot, r.Context, c.Masks, c.F, c.Count, c.First, r.K, r.Observed);
            reply = new ScoredCandidates(c.StudyId, c.Version, c.ChunkId, list.Select(e => e.Index).ToArray(),
                list.Select(e => e.Score).ToArray(), _id, clock.Elapsed.TotalSeconds);
            Scored++;
        }
        Sender.Tell(reply); // the reply itself frees the slot at the coordinator: no separate request needed
    }
}
