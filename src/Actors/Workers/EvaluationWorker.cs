using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;

namespace DeepTrain.Actors.Workers;

/// <summary>
/// Pulls proposals from the coordinator and runs oracle calls, at most <c>maxConcurrent</c> at a time on this node.
/// Each call runs detached and comes back through PipeTo(Self) with a cancellation token, so the mailbox stays
/// responsive. A result is re-sent until the coordinator acknowledges it (it acknowledges only after persisting).
/// </summary>
public sealed class EvaluationWorker : ReceiveActor, IWithTimers
{
    private sealed record Tick;
    private sealed record Done(EvaluateProposal Proposal, OracleOutcome Outcome, double Seconds);

    private readonly IActorRef _coordinator;
    private readonly Func<EvaluateProposal, IOracleRunner> _oracles;
    private readonly int _maxConcurrent;
    private readonly string _id;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<(string StudyId, long ProposalId), (string StudyId, CancellationTokenSource Cancel)> _running = new();
    private readonly Dictionary<(string, long), ProposalResult> _unacked = new();

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="oracles">The oracle for a proposal (a submitted study names its oracle in the proposal; see
    /// <see cref="Hosting.WorkerOracles"/>). Throwing is a recorded failure of that call.</param>
    public EvaluationWorker(IActorRef coordinator, Func<EvaluateProposal, IOracleRunner> oracles, int maxConcurrent)
    {
        _coordinator = coordinator; _oracles = oracles; _maxConcurrent = Math.Max(1, maxConcurrent);
        _id = $"{((ExtendedActorSystem)Context.System).Provider.DefaultAddress}/{Self.Path.Name}"; // unique across nodes
        Receive<EvaluateProposal>(Start);
        Receive<Done>(Finish);
        Receive<ResultAcknowledged>(a => _unacked.Remove((a.StudyId, a.ProposalId)));
        Receive<NoWorkNow>(_ => { });
        Receive<Tick>(_ =>
        {
            foreach (var r in _unacked.Values) _coordinator.Tell(r);
            AskForWork();
        });
    }

    public static Props Props(IActorRef coordinator, IOracleRunner oracle, int maxConcurrent) =>
        Props(coordinator, _ => oracle, maxConcurrent);

    public static Props Props(IActorRef coordinator, Func<EvaluateProposal, IOracleRunner> oracles, int maxConcurrent) =>
        Akka.Actor.Props.Create(() => new EvaluationWorker(coordinator, oracles, maxConcurrent));

    protected override void PreStart()
    {
        AskForWork();
        // Re-asks after a coordinator restart/hand-over; cheap (one small message per second per worker).
        Timers.StartPeriodicTimer("tick", new Tick(), TimeSpan.FromSeconds(1));
    }

    protected override void PostStop()
    {
        foreach (var c in _running.Values) c.Cancel.Cancel();
    }

    private void AskForWork() => _coordinator.Tell(new RequestEvaluation(_id, _maxConcurrent - _running.Count,
        _running.Values.Select(r => r.StudyId).ToArray(), _running.Keys.Select(k => k.ProposalId).ToArray()));

    private void Start(EvaluateProposal p)
    {
        var key = (p.StudyId, p.ProposalId);
        if (_running.ContainsKey(key)) return;
        if (_unacked.TryGetValue(key, out var done)) { _coordinator.Tell(done); return; } // finished here already: never call twice
        if (_running.Count >= _maxConcurrent)
        {
            _log.Warning("evaluation worker at its limit of {0}: proposal {1} left to be re-issued", _maxConcurrent, p.ProposalId);
            return;
        }
        var cts = new CancellationTokenSource();
        _running[key] = (p.StudyId, cts);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Call(p, cts.Token).ContinueWith(
            t => new Done(p, t.IsCompletedSuccessfully
                ? t.Result
                : new OracleOutcome(0, t.Exception?.GetBaseException().Message ?? "cancelled", 1,
                    t.Exception?.GetBaseException() is Model.OracleError and not Hosting.OracleRefused), clock.Elapsed.TotalSeconds),
            TaskContinuationOptions.ExecuteSynchronously).PipeTo(Self);
    }

    /// <summary>An oracle that throws before returning its task (e.g. a refused program) is a recorded failure too.</summary>
    private Task<OracleOutcome> Call(EvaluateProposal p, CancellationToken cancel)
    {
        try
        {
            var runner = _oracles(p);
            return runner is IOracleOutcomeRunner o ? o.RunAsync(p.Mask, p.Seed, cancel) : Plain(runner, p, cancel);
        }
        catch (Exception e) { return Task.FromException<OracleOutcome>(e); }
    }

    private static async Task<OracleOutcome> Plain(IOracleRunner r, EvaluateProposal p, CancellationToken cancel) =>
        new(await r.EvaluateAsync(p.Mask, p.Seed, cancel).ConfigureAwait(false), null, 1);

    private void Finish(Done d)
    {
        if (_running.Remove((d.Proposal.StudyId, d.Proposal.ProposalId), out var run)) run.Cancel.Dispose();
        var o = d.Outcome;
        var r = new ProposalResult(d.Proposal.StudyId, d.Proposal.ProposalId, d.Proposal.Mask,
            o.Error is null ? o.Accuracy : 0.0, o.Error, _id, o.Attempts, d.Seconds, o.Fatal);
        _unacked[(r.StudyId, r.ProposalId)] = r;
        _coordinator.Tell(r);
        AskForWork();
    }
}
