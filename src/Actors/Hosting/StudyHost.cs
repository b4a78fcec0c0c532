using Akka.Actor;
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
    private sealed record Hosted(SubmitStudy Request, IActorRef Coordinator, bool Finished);

    private readonly StudyStore _store;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Hosted> _studies = new();
    private readonly List<string> _order = new();

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
        Receive<RequestEvaluation>(r => RouteToActive(r));
        Receive<RequestCandidateChunk>(r => RouteToActive(r));
        Receive<ProposalResult>(r =>
        {
            if (_studies.ContainsKey(r.StudyId)) RouteById(r.StudyId, r);
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
            h.Coordinator.Forward(g);
        });
    }

    public static Props Props(StudyStore store, int chunkCandidates = 4096, TimeSpan? resumeGrace = null) =>
        Akka.Actor.Props.Create(() => new StudyHost(store, chunkCandidates, resumeGrace));

    protected override void PreStart()
    {
        foreach (var s in _store.Studies())
        {
            try { Start(ContractSerializer.Unpack<SubmitStudy>(s.Request), s.Finished); }
            catch (Exception e) when (e is UserError or System.Runtime.Serialization.SerializationException)
            {
                _log.Error("study {0}: cannot be resumed: {1}", s.StudyId, e.Message);
            }
        }
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
        if (_studies.TryGetValue(s.StudyId, out var existing))
        {
            var diff = Differences(existing.Request, s);
            Sender.Tell(diff is null
                ? new StudyAccepted(s.StudyId, true, QueuedBehind(s.StudyId))
                : new StudyRejected(s.StudyId, $"study '{s.StudyId}' exists with other settings ({diff}); use another --study-id"));
            return;
        }
        try
        {
            Start(s, finished: false, validateOnly: true);
            _store.AddStudy(s.StudyId, ContractSerializer.Pack(s));
            Start(s, finished: false);
            _log.Info("study {0}: accepted ({1} oracle calls, oracle {2})", s.StudyId, s.Budget, s.Oracle);
            Sender.Tell(new StudyAccepted(s.StudyId, false, QueuedBehind(s.StudyId)));
        }
        catch (Exception e) when (e is UserError or ArgumentException or FormatException)
        {
            Sender.Tell(new StudyRejected(s.StudyId, e.Message));
        }
    }

    private void Start(SubmitStudy s, bool finished, bool validateOnly = false)
    {
        if (string.IsNullOrWhiteSpace(s.StudyId) || s.StudyId.Length > 200 || s.StudyId.Any(char.IsControl))
            throw new UserError("study id must be 1–200 printable characters");
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
            ReissueAfter = TimeSpan.FromSeconds(Math.Min(s.TimeoutSeconds * (s.Retries + 1) * 1.25 + 60, TimeSpan.FromDays(7).TotalSeconds)),
        };
        var child = Context.ActorOf(StudyCoordinator.Props(spec, _store, StudyProposals.FromSetup(setup), scorer, notifyParent: true),
            "study-" + _order.Count);
        _studies[s.StudyId] = new Hosted(s, child, finished);
        _order.Add(s.StudyId);
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
        if (_studies.TryGetValue(id, out var h)) h.Coordinator.Forward(msg);
        else _log.Warning("message for unknown study {0} dropped", id);
    }
}
