using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Persistence;
using DeepTrain.Actors.Serialization;
using DeepTrain.Model;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Actors.Hosting;

/// <summary>
/// The coordinator node's study service (cluster singleton "study" on the coordinator role): accepts submitted studies
/// (<see cref="SubmitStudy"/>), keeps them in the store (so a restarted or moved coordinator resumes every unfinished one
/// with no client involved) and runs each as a child <see cref="StudyCoordinator"/> whose engine is built by the same
/// <see cref="StudySetup"/> as single-node `deeptrain optimize`. Studies run one at a time, in submission order: worker
/// requests go to the oldest unfinished study, the others wait (their reference round is proposed but not handed out).
/// Results, shortlists and queries are routed by study id.
/// </summary>
public sealed class StudyHost : ReceiveActor
{
    /// <summary>A hosted study; <paramref name="Failed"/> says why it could not be loaded or run (then it has no coordinator).</summary>
    private sealed record Hosted(SubmitStudy? Request, IActorRef Coordinator, bool Finished, string? Failed = null);

    private readonly StudyStore _store;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Hosted> _studies = new();
    private readonly List<string> _order = new();

    private readonly Dictionary<IActorRef, string> _childFailures = new();
    private readonly int _chunkCandidates;
    private readonly TimeSpan _resumeGrace;

    /// <param name="chunkCandidates">Candidates per acquisition chunk (see docs/SCALING.md for the choice).</param>
    /// <param name="resumeGrace">See <see cref="StudySpec.ResumeGrace"/> (null: its default; zero in one process, where
    /// no worker can be running a call the store does not know of).</param>
    public StudyHost(StudyStore store, int chunkCandidates = 4096, TimeSpan? resumeGrace = null)
    {
        _store = store; _chunkCandidates = chunkCandidates; _resumeGrace = resumeGrace ?? new StudySpec("", 1, 1, 1, 0, 0).ResumeGrace;
        Receive<SubmitStudy>(OnSubmit);
        Receive<StudyEnded>(e =>
        {
            if (!_studies.TryGetValue(e.StudyId, out var h) || h.Finished) return;
            _studies[e.StudyId] = h with { Finished = true };
            _store.MarkFinished(e.StudyId);
        });
        Receive<Terminated>(t =>
        {
            var id = _studies.FirstOrDefault(kv => kv.Value.Coordinator.Equals(t.ActorRef)).Key;
            if (id is not null && _studies[id] is { Finished: false } h)
                Fail(id, h.Request, _childFailures.Remove(t.ActorRef, out var why) ? why : "its coordinator stopped");
        });
        Receive<RequestEvaluation>(r => RouteToActive(r));
        Receive<RequestCandidateChunk>(r => RouteToActive(r));
        Receive<ProposalResult>(r =>
        {
            if (_studies.TryGetValue(r.StudyId, out var h) && h.Failed is null) RouteById(r.StudyId, r);
            else
            {
                _log.Warning("result for unknown study {0} dropped", r.StudyId);
                Sender.Tell(new ResultAcknowledged(r.StudyId, r.ProposalId)); // stop the worker re-sending it
            }
        });
        Receive<ScoredCandidates>(r => RouteById(r.StudyId, r));
        Receive<GetStudyStatus>(g => RouteById(g.StudyId, g));
        Receive<GetStudyRecords>(g =>
        {
            if (!_studies.TryGetValue(g.StudyId, out var h)) { Sender.Tell(new StudyRejected(g.StudyId, $"no study '{g.StudyId}' on this coordinator")); return; }
            if (h.Failed is { } why) { Sender.Tell(new StudyRejected(g.StudyId, $"study '{g.StudyId}' failed: {why}")); return; }
            h.Coordinator.Forward(g);
        });
    }

    public static Props Props(StudyStore store, int chunkCandidates = 4096, TimeSpan? resumeGrace = null) =>
        Akka.Actor.Props.Create(() => new StudyHost(store, chunkCandidates, resumeGrace));

    /// <summary>A study coordinator that throws is stopped and its study marked failed with the reason; the host and
    /// the other studies go on.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new RecordingStrategy(_childFailures);

    private sealed class RecordingStrategy(Dictionary<IActorRef, string> failures) : OneForOneStrategy(Akka.Actor.Decider.From(Directive.Stop))
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            var e = cause is ActorInitializationException { InnerException: { } inner } ? inner : cause;
            failures[child] = $"{e.GetType().Name}: {e.Message}";
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }

    protected override void PreStart()
    {
        foreach (var s in _store.Studies())
        {
            if (_store.Failure(s.StudyId) is { } failed) { Register(s.StudyId, new Hosted(TryUnpack(s.Request), ActorRefs.Nobody, true, failed)); continue; }
            SubmitStudy? request = null;
            try
            {
                request = ContractSerializer.Unpack<SubmitStudy>(s.Request);
                Validate(request);
                Start(request, s.Finished);
            }
            catch (Exception e)
            {
                // A poison row (a study that no longer loads) must not stop the host: mark it failed, go on.
                Fail(s.StudyId, request, Reason(e));
            }
        }
    }

    private static SubmitStudy? TryUnpack(byte[] bytes)
    {
        try { return ContractSerializer.Unpack<SubmitStudy>(bytes); }
        catch (System.Runtime.Serialization.SerializationException) { return null; }
    }

    private static string Reason(Exception e) => e is UserError ? e.Message : $"{e.GetType().Name}: {e.Message}";

    private void Register(string id, Hosted h)
    {
        if (!_studies.ContainsKey(id)) _order.Add(id);
        _studies[id] = h;
    }

    private void Fail(string id, SubmitStudy? request, string reason)
    {
        _log.Error("study {0}: failed: {1}", id, reason);
        _store.MarkFailed(id, reason);
        Register(id, new Hosted(request, ActorRefs.Nobody, true, reason));
    }

    /// <summary>
    /// Host-side bounds on a submission (the client validates too, but the host is what a bad message would kill).
    /// Every arithmetic on these values below stays finite and in range.
    /// </summary>
    public static void Validate(SubmitStudy s)
    {
        if (string.IsNullOrWhiteSpace(s.StudyId) || s.StudyId.Length > 200 || s.StudyId.Any(char.IsControl))
            throw new UserError("study id must be 1–200 printable characters");
        static void Range(string option, double v, double min, double max)
        {
            if (!double.IsFinite(v) || v < min || v > max)
                throw new UserError($"{option} must be in [{min}, {max}], got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        Range("--budget", s.Budget, 1, 1_000_000);
        Range("--proposals", s.Batch, 1, 10_000);
        Range("--reference-seeds", s.ReferenceSeeds, 1, 1_000);
        Range("--retries", s.Retries, 0, 1_000);
        Range("--oracle-timeout", s.TimeoutSeconds, 1e-3, TimeSpan.FromDays(7).TotalSeconds);
        Range("--tolerance", s.Tolerance, 0, 100);
        Range("--candidates", s.Candidates, 1, 10_000_000);
        Range("--images", s.Images, 1, 1_000_000);
        Range("--sites", s.Sites, 0, 1_000_000);
        if (s.Oracle is null || s.NetworkText is null || s.NetworkJson is null || s.ArchJson is null || s.Objective is null
            || s.Method is null || s.Acquisition is null)
            throw new UserError("submission has a missing field");
    }

    /// <summary>The study being worked on: the oldest unfinished one.</summary>
    private Hosted? Active => _order.Select(id => _studies[id]).FirstOrDefault(h => !h.Finished);


    private int QueuedBehind(string id)
    {
        int n = 0;
        foreach (var o in _order) { if (o == id) return n; if (!_studies[o].Finished) n++; }
        return n;
    }

    private void OnSubmit(SubmitStudy s)
    {
        // MessagePack may hand over nil strings whatever the record's annotations say.
        if ((string?)s.StudyId is null) { Sender.Tell(new StudyRejected("", "study id must be 1–200 printable characters")); return; }
        if (_studies.TryGetValue(s.StudyId, out var existing))
        {
            if (existing.Failed is { } why) { Sender.Tell(new StudyRejected(s.StudyId, $"study '{s.StudyId}' failed: {why}; use another --study-id")); return; }
            var diff = existing.Request is null ? "stored settings unreadable" : Differences(existing.Request, s);
            Sender.Tell(diff is null
                ? new StudyAccepted(s.StudyId, true, QueuedBehind(s.StudyId))
                : new StudyRejected(s.StudyId, $"study '{s.StudyId}' exists with other settings ({diff}); use another --study-id"));
            return;
        }
        try
        {
            Validate(s);
            Start(s, finished: false, validateOnly: true);
        }
        catch (Exception e)
        {
            // Nothing stored: a bad submission is answered and forgotten.
            _log.Warning("study {0}: rejected: {1}", s.StudyId, Reason(e));
            Sender.Tell(new StudyRejected(s.StudyId, Reason(e)));
            return;
        }
        _store.AddStudy(s.StudyId, ContractSerializer.Pack(s));
        try { Start(s, finished: false); }
        catch (Exception e)
        {
            Fail(s.StudyId, s, Reason(e));
            Sender.Tell(new StudyRejected(s.StudyId, $"study '{s.StudyId}' failed: {Reason(e)}"));
            return;
        }
        _log.Info("study {0}: accepted ({1} oracle calls, oracle {2})", s.StudyId, s.Budget, s.Oracle);
        Sender.Tell(new StudyAccepted(s.StudyId, false, QueuedBehind(s.StudyId)));
    }

    private void Start(SubmitStudy s, bool finished, bool validateOnly = false)
    {
        var request = ToRequest(s);
        Network? network = s.NetworkJson.Length == 0 ? null : NetworkJson.Parse(s.NetworkJson, "submitted network");
        ArchSpec? arch = s.ArchJson.Length == 0 ? null : ArchSpec.Parse(s.ArchJson, "submitted architecture");
        var scorer = new ActorScorer(_chunkCandidates);
        var setup = StudySetup.Build(request, network, arch, scorer);
        if (validateOnly) return;
        var spec = new StudySpec(s.StudyId, setup.Config.SiteCount, s.Budget, s.Batch, s.Seed, 0)
        {
            Oracle = new OracleDescriptor(s.Oracle, setup.OracleContext.Network, setup.Config.SiteCount, s.TimeoutSeconds, s.Retries + 1),
            // A backstop: lost workers are noticed by death watch long before this.
            ChunkCandidates = _chunkCandidates,
            ResumeGrace = _resumeGrace,
            // In double arithmetic: (Retries + 1) overflowed int at --retries 2147483647 and killed the host.
            ReissueAfter = TimeSpan.FromSeconds(Math.Min(s.TimeoutSeconds * (s.Retries + 1.0) * 1.25 + 60, TimeSpan.FromDays(7).TotalSeconds)),
        };
        var child = Context.ActorOf(StudyCoordinator.Props(spec, _store, StudyProposals.FromSetup(setup), scorer, notifyParent: true),
            "study-" + _order.Count);
        Context.Watch(child);
        Register(s.StudyId, new Hosted(s, child, finished));
    }

    public static StudyRequest ToRequest(SubmitStudy s) => new()
    {
        NetworkText = s.NetworkText, Sites = s.Sites > 0 ? s.Sites : null, Objective = s.Objective, Oracle = s.Oracle,
        Method = s.Method, Acquisition = s.Acquisition, Tolerance = s.Tolerance, Budget = s.Budget, Batch = s.Batch,
        Seed = s.Seed, ReferenceSeeds = s.ReferenceSeeds, Candidates = s.Candidates, Images = s.Images,
        TimeoutSeconds = s.TimeoutSeconds, Retries = s.Retries,
    };

    private static string? Differences(SubmitStudy a, SubmitStudy b)
    {
        var names = typeof(SubmitStudy).GetProperties()
            .Where(p => !Equals(p.GetValue(a), p.GetValue(b)))
            .Select(p => p.Name.ToLowerInvariant()).ToList();
        return names.Count == 0 ? null : string.Join(", ", names) + " differ";
    }

    private void RouteToActive(object msg)
    {
        if (Active is { } h) h.Coordinator.Forward(msg);
        else Sender.Tell(new NoWorkNow("no study is running"));
    }

    private void RouteById(string id, object msg)
    {
        if (_studies.TryGetValue(id, out var h) && h.Failed is { } why) Sender.Tell(new StudyRejected(id, $"study '{id}' failed: {why}"));
        else if (h is not null) h.Coordinator.Forward(msg);
        else _log.Warning("message for unknown study {0} dropped", id);
    }
}
