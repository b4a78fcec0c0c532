using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Persistence;

namespace DeepTrain.Actors.Coordination;

/// <summary>Local message to the coordinator's parent (a <see cref="Hosting.StudyHost"/>): the study has ended.</summary>
public sealed record StudyEnded(string StudyId);

/// <summary>
/// Owns one study: its observations (durable, in <see cref="StudyStore"/>), the proposal engine (GP) and the
/// incumbent. Runs as a cluster singleton in clustered mode (see <see cref="Hosting.StudyTopology"/>), as a child of the
/// <see cref="Hosting.StudyHost"/> for submitted studies, as a plain actor in one-process mode. Proposals are made a
/// round (batch of q) at a time from the observations of earlier rounds only, so the study does not depend on which
/// worker finished first. The engine runs on a background task (the mailbox stays responsive); when it is the BO
/// proposer with an <see cref="ActorScorer"/>, its candidate scoring comes back here as a <see cref="ScoreRound"/> and
/// is spread over AcquisitionWorkers. Work is pulled: a worker states how many slots it has free and is sent at most
/// that many proposals or candidate chunks.
/// </summary>
public sealed class StudyCoordinator : ReceiveActor, IWithTimers
{
    private sealed record Tick;
    private sealed record Proposed(int Round, IReadOnlyList<ProposedCall>? Calls, Exception? Error);

    private readonly StudySpec _spec;
    private readonly StudyStore _store;
    private readonly IProposalEngine _engine;
    private readonly ActorScorer? _scorer;
    private readonly bool _notifyParent;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AcquisitionDispatch _acquisition;

    private readonly SortedDictionary<long, StoredProposal> _pending = new();
    private readonly Dictionary<long, (StoredProposal P, IActorRef Worker, DateTime Deadline)> _inFlight = new();
    private readonly Dictionary<IActorRef, int> _freeSlots = new();
    private readonly SortedDictionary<long, StoredProposal> _proposals = new();
    private readonly Dictionary<long, StoredObservation> _observations = new();
    private readonly List<StoredObservation> _arrival = new();
    private int _round = -1;
    private bool _proposing, _ended, _fatal;
    /// <summary>After a restart with work in flight: no proposal is handed out before this, so workers can first
    /// announce the calls they are running and re-send results the previous life did not acknowledge.</summary>
    private DateTime _graceUntil = DateTime.MinValue;
    /// <summary>Why the engine stopped the study early (no successful reference, nothing left to ask), if it did.</summary>
    private string? _stopped;

    public ITimerScheduler Timers { get; set; } = null!;

    public StudyCoordinator(StudySpec spec, StudyStore store, IProposalEngine engine, ActorScorer? scorer = null, bool notifyParent = false)
    {
        _spec = spec; _store = store; _engine = engine; _scorer = scorer; _notifyParent = notifyParent;
        _acquisition = new AcquisitionDispatch(spec.StudyId, spec.ChunkCandidates, spec.ChunkReissueAfter, spec.MaxSnapshotBytes,
            spec.ShipTrainingAboveBytes);
        Receive<RequestEvaluation>(OnRequest);
        Receive<ProposalResult>(OnResult);
        Receive<Proposed>(OnProposed);
        Receive<ScoreRound>(r => _acquisition.Begin(r));
        Receive<RequestCandidateChunk>(r => { Context.Watch(Sender); _acquisition.Request(Sender, r.Slots); });
        Receive<ScoredCandidates>(s => { if (s.StudyId == _spec.StudyId) _acquisition.Scored(s, Sender); });
        Receive<Terminated>(t =>
        {
            _acquisition.Lost(t.ActorRef);
            Requeue(w => w.Equals(t.ActorRef), "worker terminated");
        });
        Receive<Tick>(_ =>
        {
            var now = DateTime.UtcNow;
            Requeue((w, d) => d < now, "timed out");
            _acquisition.Tick(now);
            Dispatch();
        });
        Receive<GetStudyStatus>(_ => Sender.Tell(Status()));
        Receive<GetStudyRecords>(g => Sender.Tell(Records(g)));
    }

    public static Props Props(StudySpec spec, StudyStore store, IProposalEngine engine, ActorScorer? scorer = null, bool notifyParent = false) =>
        Akka.Actor.Props.Create(() => new StudyCoordinator(spec, store, engine, scorer, notifyParent));

    protected override void PreStart()
    {
        foreach (var p in _store.Proposals(_spec.StudyId)) { _proposals[p.ProposalId] = p; _round = Math.Max(_round, p.Round); }
        foreach (var o in _store.Observations(_spec.StudyId)) { _observations[o.ProposalId] = o; _arrival.Add(o); }
        foreach (var p in _proposals.Values)
            if (!_observations.ContainsKey(p.ProposalId)) _pending[p.ProposalId] = p;
        if (_proposals.Count > 0)
            _log.Info("study {0}: resumed with {1} observations, {2} proposals re-issued", _spec.StudyId, _observations.Count, _pending.Count);
        if (_pending.Count > 0) _graceUntil = DateTime.UtcNow + _spec.ResumeGrace;
        _scorer?.Attach(Self);
        if (_pending.Count == 0) NextRound();
        var every = TimeSpan.FromTicks(Math.Clamp(Math.Min(_spec.ReissueAfter.Ticks, _spec.ChunkReissueAfter.Ticks) / 4,
            TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(0.5).Ticks));
        Timers.StartPeriodicTimer("reissue", new Tick(), every);
    }

    protected override void PostStop()
    {
        _scorer?.Detach();
        _acquisition.Abandon();
    }

    /// <summary>Ended: the budget is spent and answered, or the study stopped (after its running calls came back,
    /// unless an oracle error stopped it: then at once, as single-node optimize stops at the error).</summary>
    private bool Finished => !_proposing && (_stopped is not null
        ? _fatal || _inFlight.Count == 0
        : _proposals.Count >= _spec.Budget && _observations.Count >= _proposals.Count && _pending.Count == 0 && _inFlight.Count == 0);

    private void NextRound()
    {
        if (_proposing) return;
        int remaining = _spec.Budget - _proposals.Count;
        if (remaining <= 0 || _stopped is not null) { CheckEnded(); return; }
        var observed = _observations.Values.OrderBy(o => o.ProposalId)
            .Select(o => new Observed(o.Mask, o.Accuracy, o.Error is not null, o.Error, o.Attempts, o.Seconds)).ToList();
        int round = _round + 1, count = Math.Min(_spec.BatchSize, remaining);
        var engine = _engine;
        _proposing = true;
        Task.Run(() => engine.ProposeRound(round, observed, count)).ContinueWith(
            t => new Proposed(round, t.IsCompletedSuccessfully ? t.Result : null, t.Exception?.GetBaseException()),
            TaskContinuationOptions.ExecuteSynchronously).PipeTo(Self);
    }

    private void OnProposed(Proposed p)
    {
        _proposing = false;
        if (p.Error is not null)
        {
            // Same outcome as single-node optimize (which stops with this error): the study ends, nothing is lost.
            _stopped = p.Error.Message;
            _log.Error("study {0}: stopped after {1} observations: {2}", _spec.StudyId, _observations.Count, p.Error.Message);
        }
        else if (p.Calls!.Count == 0) _stopped = "the search method has nothing left to ask";
        else
        {
            _round = p.Round;
            long next = _proposals.Count == 0 ? 0 : _proposals.Keys.Max() + 1;
            var batch = p.Calls.Take(_spec.Budget - _proposals.Count)
                .Select((c, i) => new StoredProposal(next + i, _round, c.Mask, c.Seed)).ToList();
            _store.AddProposals(_spec.StudyId, batch);
            foreach (var sp in batch) { _proposals[sp.ProposalId] = sp; _pending[sp.ProposalId] = sp; }
        }
        Dispatch();
        CheckEnded();
    }

    private void CheckEnded()
    {
        if (_ended || !Finished) return;
        _ended = true;
        _log.Info("study {0}: finished with {1} observations{2}", _spec.StudyId, _observations.Count, _stopped is null ? "" : $" ({_stopped})");
        if (_notifyParent) Context.Parent.Tell(new StudyEnded(_spec.StudyId));
    }

    private void OnRequest(RequestEvaluation r)
    {
        // Calls this worker is already running (e.g. issued by the previous life of this coordinator) are in flight.
        if (r.Running is { } running && r.RunningStudies is { } studies && studies.Length == running.Length)
            for (int i = 0; i < running.Length; i++)
                if (studies[i] == _spec.StudyId && _pending.Remove(running[i], out var p))
                    _inFlight[p.ProposalId] = (p, Sender, DateTime.UtcNow + _spec.ReissueAfter);
        int held = _inFlight.Values.Count(v => v.Worker.Equals(Sender));
        _freeSlots[Sender] = Math.Max(0, r.Slots - held);
        Context.Watch(Sender);
        Dispatch();
    }

    private void Dispatch()
    {
        if (DateTime.UtcNow < _graceUntil || _stopped is not null) return;
        var o = _spec.Oracle;
        foreach (var worker in _freeSlots.Keys.ToList())
        {
            while (_freeSlots[worker] > 0 && _pending.Count > 0)
            {
                var p = _pending.First().Value;
                _pending.Remove(p.ProposalId);
                _inFlight[p.ProposalId] = (p, worker, DateTime.UtcNow + _spec.ReissueAfter);
                _freeSlots[worker]--;
                worker.Tell(o is null
                    ? new EvaluateProposal(_spec.StudyId, p.ProposalId, p.Mask, p.Seed)
                    : new EvaluateProposal(_spec.StudyId, p.ProposalId, p.Mask, p.Seed, o.Spec, o.Network, o.SiteCount, o.TimeoutSeconds, o.Attempts));
            }
        }
    }

    private void OnResult(ProposalResult r)
    {
        if (r.StudyId != _spec.StudyId || !_proposals.TryGetValue(r.ProposalId, out var p) || p.Mask != r.Mask)
        {
            _log.Warning("study {0}: result for unknown proposal {1} dropped", _spec.StudyId, r.ProposalId);
            Sender.Tell(new ResultAcknowledged(r.StudyId, r.ProposalId)); // nobody will record it: stop the re-sends
            return;
        }
        if (r.Fatal)
        {
            // A configuration problem no retry can fix: record nothing, stop asking, let running calls finish.
            _inFlight.Remove(r.ProposalId);
            _pending.Clear();
            _stopped ??= r.Error ?? "oracle error";
            _fatal = true;
            _log.Error("study {0}: stopped by an oracle error on {1}: {2}", _spec.StudyId, r.WorkerId, r.Error);
            Sender.Tell(new ResultAcknowledged(r.StudyId, r.ProposalId));
            CheckEnded();
            return;
        }
        if (r.Error is null && Model.Search.Oracles.AccuracyCheck.Problem(r.Accuracy) is { } bad)
            r = r with { Error = $"worker reported an invalid accuracy: {bad}", Accuracy = 0 };
        // Persist before acknowledging; a late duplicate is recorded once (primary key) and still acknowledged.
        var obs = new StoredObservation(r.ProposalId, r.Mask, r.Accuracy, r.Error, r.WorkerId, r.Attempts, r.Seconds);
        if (_store.TryRecord(_spec.StudyId, obs)) { _observations[r.ProposalId] = obs; _arrival.Add(obs); }
        else _log.Info("study {0}: duplicate result for proposal {1} ignored", _spec.StudyId, r.ProposalId);
        _inFlight.Remove(r.ProposalId);
        _pending.Remove(r.ProposalId);
        Sender.Tell(new ResultAcknowledged(r.StudyId, r.ProposalId));
        if (_pending.Count == 0 && _inFlight.Count == 0) NextRound();
        Dispatch();
        CheckEnded();
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
            // Operator view only (fewest active sites above MinAccuracy); the study's incumbent under its objective is
            // what the client's replay of the records computes (the same Study as single-node optimize).
            if (best is null || Ones(o.Mask) < Ones(best.Mask)) best = o;
        }
        return new StudyStatus(_spec.StudyId, _observations.Count, _inFlight.Count, Finished, best?.Mask, best?.Accuracy ?? double.NaN);
    }

    private StudyRecords Records(GetStudyRecords g)
    {
        var props = _proposals.Values.Skip(Math.Max(0, g.ProposalsFrom))
            .Select(p => new ProposalRecord(p.ProposalId, p.Round, p.Mask, p.Seed)).ToArray();
        var obs = _arrival.Skip(Math.Max(0, g.ObservationsFrom))
            .Select(o => new ObservationRecord(o.ProposalId, o.Mask, o.Accuracy, o.Error, o.WorkerId, o.Attempts, o.Seconds)).ToArray();
        return new StudyRecords(_spec.StudyId, props, obs, Finished, _stopped, 0);
    }

    private static int Ones(string m) => m.Count(c => c == '1');
}
