using DeepTrain.Model.Search.Baselines;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;

namespace DeepTrain.Actors.Coordination;

/// <summary>One observation as the proposal engine sees it, in proposal-id order.</summary>
public readonly record struct Observed(string Mask, double Accuracy, bool Failed);

/// <summary>
/// Adapter to the search engine (src/Model/Search, issue 3). It must be a pure function of (round, observations in
/// proposal order, seed): that is what makes a clustered study equal the single-process one with the same seed.
/// </summary>
public interface IProposalEngine
{
    IReadOnlyList<string> ProposeRound(int round, IReadOnlyList<Observed> observed, int count);
}

/// <summary>Adapter to the oracle interface of the search engine (async, cancellable, seed passed on).</summary>
public interface IOracleRunner
{
    Task<double> EvaluateAsync(string mask, int seed, CancellationToken cancel);
}

/// <summary>What the coordinator runs. Not sent over the wire: the coordinator node builds it locally.</summary>
public sealed record StudySpec(string StudyId, int Sites, int Budget, int BatchSize, int Seed, double MinAccuracy)
{
    /// <summary>In-flight work held longer than this (e.g. by a node that vanished unnoticed) is re-issued.</summary>
    public TimeSpan ReissueAfter { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// The real search engine behind the coordinator: the very <see cref="Study"/> (ask/tell) and <see cref="IMaskProposer"/>
/// (e.g. <see cref="BoProposer"/>) that single-node <c>deeptrain optimize</c> drives through <see cref="StudyRunner"/>.
/// No GP or acquisition logic lives here. Each call replays the observations (in proposal order) into the study round
/// by round — incrementally while they extend what it has already seen, from scratch otherwise (e.g. a restarted
/// coordinator) — and asks the next round, so the proposals are a pure function of (config, observations), exactly
/// as in the single-process study. The round's size is the study's own (reference seeds, then min(batch, budget left)).
/// </summary>
public sealed class StudyProposals(StudyConfig config, IMaskObjective objective, IMaskProposer proposer) : IProposalEngine
{
    private Study? _study;
    private int _told;
    private IReadOnlyList<Proposal>? _open;

    public StudyConfig Config => config;
    /// <summary>The engine's study after the last call (its state holds the told observations and the incumbent).</summary>
    public Study? Current => _study;

    /// <summary>The engine of a <see cref="StudySpec"/>: BO (constrained EI) with the given candidate count, sites objective.</summary>
    public static StudyProposals ForSpec(StudySpec spec, string oracle, string method = "bo", int candidates = 2000, double tolerance = 0.5)
    {
        var bo = new BoOptions { Candidates = Math.Max(100, candidates) };
        var proposer = Proposers.Create(method, bo);
        var objective = new SitesObjective(spec.Sites);
        return new StudyProposals(new StudyConfig
        {
            Network = "", SiteCount = spec.Sites, Objective = objective.Name, Oracle = oracle, Method = proposer.Name,
            TolerancePercent = tolerance, Budget = spec.Budget, BatchSize = spec.BatchSize, Seed = spec.Seed, ReferenceSeeds = 1,
            Candidates = bo.Candidates,
        }, objective, proposer);
    }

    public IReadOnlyList<string> ProposeRound(int round, IReadOnlyList<Observed> observed, int count)
    {
        if (_study is null || observed.Count < _told || (_open is not null && observed.Count > _told && observed.Count - _told < _open.Count))
        {
            _study = new Study(config, objective, proposer); _told = 0; _open = null;
        }
        int i = _told;
        while (true)
        {
            if (_open is null)
            {
                if (i >= observed.Count) break;
                _open = _study.Ask();
                if (_open.Count == 0) throw new InvalidOperationException("the study finished before all observations were replayed");
            }
            if (observed.Count - i < _open.Count)
                throw new InvalidOperationException($"observations end inside round {_open[0].Round}: {observed.Count - i} of {_open.Count}");
            foreach (var p in _open)
            {
                var o = observed[i + p.Slot];
                if (o.Mask != p.Mask.ToString())
                    throw new InvalidOperationException($"observation {i + p.Slot} has mask {o.Mask}, the study proposed {p.Mask}");
                _study.Tell(new Observation(p.Round, p.Slot, o.Mask, p.Seed, o.Failed ? null : o.Accuracy, p.Objective,
                    o.Failed ? "failed on a worker" : null, 1, 0));
            }
            i += _open.Count;
            _open = null;
        }
        _told = i;
        _open = _study.Ask();
        if (_open.Count > 0 && _open[0].Seed != config.Seed && _open.Any(p => p.Seed != config.Seed))
            throw new InvalidOperationException("per-proposal seeds other than the study seed are not carried yet (use one reference seed)");
        return _open.Select(p => p.Mask.ToString()).ToList();
    }
}
