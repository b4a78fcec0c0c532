using System.Diagnostics;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Study;

/// <summary>One oracle call to make: slot <see cref="Slot"/> of round <see cref="Round"/>.</summary>
public sealed record Proposal(int Round, int Slot, SiteMask Mask, int Seed, double Objective);

/// <summary>
/// Ask/tell study (Optuna's pattern). <see cref="Ask"/> returns the next round's proposals: round 0 measures the
/// reference (all sites) once per reference seed; later rounds come from the proposer, q = min(batch, budget left).
/// <see cref="Tell"/> takes the round's observations; they are applied in slot order when the round is complete, so
/// the state never depends on which parallel call finished first. <see cref="Replay"/> rebuilds a study from its log,
/// leaving the unanswered part of an interrupted round in <see cref="Pending"/>.
/// </summary>
public sealed class Study
{
    private readonly IMaskProposer _proposer;
    private readonly SortedDictionary<int, Observation> _roundObs = new();
    private List<Proposal>? _open;

    public Study(StudyConfig config, IMaskObjective objective, IMaskProposer proposer)
    {
        State = new StudyState(config, objective);
        _proposer = proposer;
    }

    public StudyState State { get; }
    public StudyConfig Config => State.Config;
    /// <summary>The next round number.</summary>
    public int Round { get; private set; }
    public bool Finished { get; private set; }
    /// <summary>Proposals of the open round that have no observation yet.</summary>
    public IReadOnlyList<Proposal> Pending => _open is null ? [] : _open.Where(p => !_roundObs.ContainsKey(p.Slot)).ToList();
    public int CallsIssued => State.OracleCalls + _roundObs.Count;

    public IReadOnlyList<Proposal> Ask(CancellationToken ct = default)
    {
        if (_open is not null) throw new InvalidOperationException("the previous round is still open");
        var proposals = new List<Proposal>();
        int left = Config.Budget - State.OracleCalls;
        if (left <= 0) { Finished = true; return proposals; }
        var all = SiteMask.All(Config.SiteCount);
        if (Round == 0)
        {
            double f = State.Objective.EvaluateOne(all);
            for (int i = 0; i < Math.Min(Config.ReferenceSeeds, left); i++) proposals.Add(new Proposal(0, i, all, Config.Seed + i, f));
        }
        else
        {
            if (State.ReferenceAccuracy is null) throw new OracleError(NoReferenceMessage(State));
            int q = Math.Min(Config.BatchSize, left);
            var masks = _proposer.Propose(State, q, Round, ct);
            for (int i = 0; i < masks.Count && i < q; i++)
                proposals.Add(new Proposal(Round, i, masks[i], Config.Seed, State.Objective.EvaluateOne(masks[i])));
        }
        if (proposals.Count == 0) { Finished = true; return proposals; }
        _open = proposals;
        Round++;
        return proposals;
    }

    /// <summary>The error when every reference call failed: it quotes the oracle's own last error (e.g. "exited with
    /// code 3 (stderr: CUDA out of memory)"), which is what the user needs to fix the oracle.</summary>
    public static string NoReferenceMessage(StudyState state)
    {
        var failed = state.Observations.Where(o => o.IsReference && !o.Succeeded).ToList();
        string last = failed.Count == 0 ? "" : $": {(failed.Count == 1 ? "the call" : $"all {failed.Count} calls")} failed, the last with: {failed[^1].Error ?? "no message"}";
        return "no reference measurement succeeded; cannot set the accuracy threshold" + last;
    }

    public void Tell(Observation o)
    {
        if (_open is null || o.Round != _open[0].Round) throw new InvalidOperationException($"observation for round {o.Round} but no such round is open");
        _roundObs[o.Slot] = o;
        if (_roundObs.Count < _open.Count) return;
        foreach (var ob in _roundObs.Values) State.Add(ob);
        _roundObs.Clear();
        _open = null;
    }

    /// <summary>Ends the open round with the observations told so far (slots 0..k−1), as a round that the budget cut
    /// short: a study resumed with a larger budget asks that round in full, and its first k proposals are the ones the
    /// log answered (proposals are a prefix-stable function of the state).</summary>
    public void CloseRoundShort()
    {
        if (_open is null) return;
        for (int i = 0; i < _roundObs.Count; i++)
            if (!_roundObs.ContainsKey(i)) throw new InvalidOperationException($"round {_open[0].Round} has a gap at slot {i}");
        foreach (var ob in _roundObs.Values) State.Add(ob);
        _roundObs.Clear();
        _open = null;
    }

    /// <summary>Rebuilds a study from a log's asks and observations (no oracle calls, no proposer calls).</summary>
    public static Study Replay(StudyLog.Contents log, IMaskObjective objective, IMaskProposer proposer)
    {
        var s = new Study(log.Config, objective, proposer);
        foreach (var (round, items) in log.Asks)
        {
            s._open = items.Select((it, i) => new Proposal(round, i, SiteMask.Parse(it.Mask, log.Config.SiteCount), it.Seed,
                objective.EvaluateOne(SiteMask.Parse(it.Mask, log.Config.SiteCount)))).ToList();
            s.Round = round + 1;
            foreach (var o in log.Observations.Where(o => o.Round == round)) s.Tell(o);
        }
        return s;
    }
}

/// <summary>Drives a study against an oracle: asks, logs the ask, runs the round's calls in parallel, logs each
/// observation as soon as it exists, tells the study. Stops at the budget or when the method has nothing to ask.</summary>
public static class StudyRunner
{
    public static async Task RunAsync(Study study, IAccuracyOracle oracle, IStudyStore? log,
                                      Action<Observation, Study>? onObservation = null, CancellationToken ct = default)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var batch = study.Pending;
            if (batch.Count == 0)
            {
                batch = study.Ask(ct);
                if (batch.Count == 0) return;
                log?.WriteAsk(batch[0].Round, batch.Select(p => (p.Mask.ToString(), p.Seed)).ToList());
            }
            var tasks = batch.Select(p => RunOne(p, study.Config.Network, oracle, log, ct)).ToArray();
            var done = await Task.WhenAll(tasks).ConfigureAwait(false);
            foreach (var o in done.OrderBy(o => o.Slot))
            {
                study.Tell(o);
                onObservation?.Invoke(o, study);
            }
        }
    }

    private static async Task<Observation> RunOne(Proposal p, string net, IAccuracyOracle oracle, IStudyStore? log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var r = await oracle.EvaluateAsync(new OracleRequest(p.Mask, net, p.Seed), ct).ConfigureAwait(false);
        var o = new Observation(p.Round, p.Slot, p.Mask.ToString(), p.Seed, r.Succeeded ? r.AccuracyPercent : null,
                                p.Objective, r.Succeeded ? null : r.Error, r.Attempts, clock.Elapsed.TotalSeconds);
        log?.WriteObservation(o);
        return o;
    }
}
