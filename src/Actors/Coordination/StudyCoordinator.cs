using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Persistence;

namespace DeepTrain.Actors.Coordination;

/// <summary>
/// Owns one study: its observations (durable, in <see cref="StudyStore"/>), the proposal engine (GP) and the
/// incumbent. Runs as a cluster singleton in clustered mode (see <see cref="StudyTopology"/>), as a plain actor in
/// one-process mode. Proposals are made a round (batch of q) at a time from the observations of earlier rounds only,
/// so the study does not depend on which worker finished first. Work is pulled: a worker states how many slots it
/// has free and is sent at most that many proposals.
/// </summary>
public sealed class StudyCoordinator : ReceiveActor, IWithTimers
{
    private sealed record Tick;

    private readonly StudySpec _spec;
    private readonly StudyStore _store;
    private readonly IProposalEngine _engine;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly SortedDictionary<long, StoredProposal> _pending = new();
    private readonly Dictionary<long, (StoredProposal P, IActorRef Worker, DateTime Deadline)> _inFlight = new();
    private readonly Dictionary<IActorRef, int> _freeSlots = new();
    private readonly Dictionary<long, StoredProposal> _proposals = new();
    private readonly Dictionary<long, StoredObservation> _observations = new();
    private int _round = -1;
    private long _snapshotVersion;

    public ITimerScheduler Timers { get; set; } = null!;

    public StudyCoordinator(StudySpec spec, StudyStore store, IProposalEngine engine)
    {
        _spec = spec; _store = store; _engine = engine;
        Receive<RequestEvaluation>(OnRequest);
        Receive<ProposalResult>(OnResult);
        Receive<Terminated>(t => Requeue(w => w.Equals(t.ActorRef), "worker terminated"));
        Receive<Tick>(_ => { var now = DateTime.UtcNow; Requeue((w, d) => d < now, "timed out"); });
        Receive<GetStudyStatus>(_ => Sender.Tell(Status()));
    }

    public static Props Props(StudySpec spec, StudyStore store, IProposalEngine engine) =>
        Akka.Actor.Props.Create(() => new StudyCoordinator(spec, store, engine));

    protected override void PreStart()
    {
        foreach (var p in _store.Proposals(_spec.StudyId)) { _proposals[p.ProposalId] = p; _round = Math.Max(_round, p.Round); }
        foreach (var o in _store.Observations(_spec.StudyId)) _observations[o.ProposalId] = o;
        foreach (var p in _proposals.Values)
            if (!_observations.ContainsKey(p.ProposalId)) _pending[p.ProposalId] = p;
        if (_proposals.Count > 0)
            _log.Info("study {0}: resumed with {1} observations, {2} proposals re-issued", _spec.StudyId, _observations.Count, _pending.Count);
        if (_pending.Count == 0) NextRound();
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, _spec.ReissueAfter.Ticks / 4));
        Timers.StartPeriodicTimer("reissue", new Tick(), every);
    }

    /// <summary>Why the engine stopped the study early (no successful reference, nothing left to ask), if it did.</summary>
    private string? _stopped;

    private bool Finished => (_observations.Count >= _spec.Budget || _stopped is not null) && _pending.Count == 0 && _inFlight.Count == 0;

    private void NextRound()
    {
        int remaining = _spec.Budget - _proposals.Count;
        if (remaining <= 0) return;
        var observed = _observations.Values.OrderBy(o => o.ProposalId)
            .Select(o => new Observed(o.Mask, o.Accuracy, o.Error is not null)).ToList();
        _round++;
        IReadOnlyList<string> masks;
        try { masks = _engine.ProposeRound(_round, observed, Math.Min(_spec.BatchSize, remaining)); }
        catch (Exception e) when (e is DeepTrain.Model.OracleError or InvalidOperationException)
        {
            // Same outcome as single-node optimize (which stops with this error): the study ends, nothing is lost.
            _stopped = e.Message;
            _log.Error("study {0}: stopped after {1} observations: {2}", _spec.StudyId, observed.Count, e.Message);
            return;
        }
        if (masks.Count == 0) { _stopped = "the search method has nothing left to ask"; return; }
        long next = _proposals.Count == 0 ? 0 : _proposals.Keys.Max() + 1;
        var batch = masks.Select((m, i) => new StoredProposal(next + i, _round, m)).ToList();
        _store.AddProposals(_spec.StudyId, batch);
        foreach (var p in batch) { _proposals[p.ProposalId] = p; _pending[p.ProposalId] = p; }
        Context.System.EventStream.Publish(new GpSnapshot(_spec.StudyId, ++_snapshotVersion,
            observed.Select(o => o.Mask).ToArray(), observed.Select(o => o.Accuracy).ToArray(), []));
    }

    private void OnRequest(RequestEvaluation r)
    {
        int held = _inFlight.Values.Count(v => v.Worker.Equals(Sender));
        _freeSlots[Sender] = Math.Max(0, r.Slots - held);
        Context.Watch(Sender);
        Dispatch();
    }

    private void Dispatch()
    {
        foreach (var worker in _freeSlots.Keys.ToList())
        {
            while (_freeSlots[worker] > 0 && _pending.Count > 0)
            {
                var p = _pending.First().Value;
                _pending.Remove(p.ProposalId);
                _inFlight[p.ProposalId] = (p, worker, DateTime.UtcNow + _spec.ReissueAfter);
                _freeSlots[worker]--;
                worker.Tell(new EvaluateProposal(_spec.StudyId, p.ProposalId, p.Mask, _spec.Seed));
            }
        }
    }

    private void OnResult(ProposalResult r)
    {
        if (r.StudyId != _spec.StudyId || !_proposals.TryGetValue(r.ProposalId, out var p) || p.Mask != r.Mask)
        {
            _log.Warning("study {0}: result for unknown proposal {1} dropped", _spec.StudyId, r.ProposalId);
            return;
        }
        // Persist before acknowledging; a late duplicate is recorded once (primary key) and still acknowledged.
        bool fresh = _store.TryRecord(_spec.StudyId, new StoredObservation(r.ProposalId, r.Mask, r.Accuracy, r.Error, r.WorkerId));
        if (fresh) _observations[r.ProposalId] = new StoredObservation(r.ProposalId, r.Mask, r.Accuracy, r.Error, r.WorkerId);
        else _log.Info("study {0}: duplicate result for proposal {1} ignored", _spec.StudyId, r.ProposalId);
        _inFlight.Remove(r.ProposalId);
        _pending.Remove(r.ProposalId);
        Sender.Tell(new ResultAcknowledged(r.StudyId, r.ProposalId));
        if (_pending.Count == 0 && _inFlight.Count == 0) NextRound();
        Dispatch();
    }

    private void Requeue(Func<IActorRef, bool> which, string why) => Requeue((w, _) => which(w), why);

    private void Requeue(Func<IActorRef, DateTime, bool> which, string why)
    {
        var lost = _inFlight.Where(kv => which(kv.Value.Worker, kv.Value.Deadline)).Select(kv => kv.Key).ToList();
        foreach (var id in lost)
        {
            var (p, w, _) = _inFlight[id];
            _inFlight.Remove(id);
            _pending[id] = p;
            _log.Warning("study {0}: proposal {1} re-issued ({2}: {3})", _spec.StudyId, id, why, w.Path);
        }
        if (why == "worker terminated") foreach (var w in _freeSlots.Keys.Where(w => which(w, default)).ToList()) _freeSlots.Remove(w);
        if (lost.Count > 0) Dispatch();
    }

    private StudyStatus Status()
    {
        StoredObservation? best = null;
        foreach (var o in _observations.Values.OrderBy(o => o.ProposalId))
        {
            if (o.Error is not null || o.Accuracy < _spec.MinAccuracy) continue;
            // Objective placeholder until the model objective is wired: fewest active sites, ties by id.
            if (best is null || Ones(o.Mask) < Ones(best.Mask)) best = o;
        }
        return new StudyStatus(_spec.StudyId, _observations.Count, _inFlight.Count, Finished, best?.Mask, best?.Accuracy ?? double.NaN);
    }

    private static int Ones(string m) => m.Count(c => c == '1');
}
