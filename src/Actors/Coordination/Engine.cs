using DeepTrain.Model.Search.Baselines;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;

namespace DeepTrain.Actors.Coordination;

/// <summary>One observation as the proposal engine sees it, in proposal-id order.</summary>
public readonly record struct Observed(string Mask, double Accuracy, bool Failed, string? Error = null, int Attempts = 1, double Seconds = 0);

/// <summary>One oracle call the engine asks for: the mask and the seed passed to the oracle.</summary>
public readonly record struct ProposedCall(string Mask, int Seed);

/// <summary>
/// Adapter to the search engine (src/Model/Search, issue 3). It must be a pure function of (round, observations in
/// proposal order, seed): that is what makes a clustered study equal the single-process one with the same seed.
/// </summary>
public interface IProposalEngine
{
    IReadOnlyList<ProposedCall> ProposeRound(int round, IReadOnlyList<Observed> observed, int count);
}

/// <summary>Adapter to the oracle interface of the search engine (async, cancellable, seed passed on). An exception is
/// a recorded failure (its message becomes the observation's error).</summary>
public interface IOracleRunner
{
    Task<double> EvaluateAsync(string mask, int seed, CancellationToken cancel);
}

/// <summary>Outcome of one call with the attempts it took; <see cref="Error"/> non-null means a recorded failure.</summary>
public readonly record struct OracleOutcome(double Accuracy, string? Error, int Attempts, bool Fatal = false);

/// <summary>A runner that reports failures as values, with attempts (the search engine's oracles).</summary>
public interface IOracleOutcomeRunner : IOracleRunner
{
    Task<OracleOutcome> RunAsync(string mask, int seed, CancellationToken cancel);
}

/// <summary>The search engine's <see cref="IAccuracyOracle"/> (as built by OracleRegistry) behind the worker interface.</summary>
public sealed class AccuracyOracleRunner(Model.Search.Oracles.IAccuracyOracle oracle, string network, int siteCount) : IOracleOutcomeRunner
{
    public async Task<OracleOutcome> RunAsync(string mask, int seed, CancellationToken cancel)
    {
        var r = await oracle.EvaluateAsync(new Model.Search.Oracles.OracleRequest(
            Model.Workloads.SiteMask.Parse(mask, siteCount), network, seed), cancel).ConfigureAwait(false);
        if (r.Succeeded && Model.Search.Oracles.AccuracyCheck.Problem(r.AccuracyPercent) is { } bad)
            return new OracleOutcome(0, bad, r.Attempts);
        return r.Succeeded ? new OracleOutcome(r.AccuracyPercent, null, r.Attempts) : new OracleOutcome(0, r.Error ?? "failed", r.Attempts);
    }

    public async Task<double> EvaluateAsync(string mask, int seed, CancellationToken cancel)
    {
        var o = await RunAsync(mask, seed, cancel).ConfigureAwait(false);
        return o.Error is null ? o.Accuracy : throw new Model.OracleError(o.Error);
    }
}

/// <summary>The oracle of a submitted study, as text: sent with each proposal and rebuilt on the worker.</summary>
public sealed record OracleDescriptor(string Spec, string Network, int SiteCount, double TimeoutSeconds, int Attempts);

/// <summary>What the coordinator runs. Not sent over the wire: the coordinator node builds it locally.</summary>
public sealed record StudySpec(string StudyId, int Sites, int Budget, int BatchSize, int Seed, double MinAccuracy)
{
    /// <summary>Null: workers use their own oracle (in-process studies and tests).</summary>
    public OracleDescriptor? Oracle { get; init; }
    /// <summary>Candidates per acquisition chunk sent to acquisition workers.</summary>
    public int ChunkCandidates { get; init; } = 4096;
    /// <summary>A candidate chunk held longer than this is re-issued to another acquisition worker.</summary>
    public TimeSpan ChunkReissueAfter { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>GP snapshots larger than this are not shipped (the round is scored on the coordinator); must stay below
    /// akka.remote.dot-netty.tcp.maximum-frame-size (32 MiB in cluster.hocon).</summary>
    public long MaxSnapshotBytes { get; init; } = 30_000_000;
    /// <summary>Above this snapshot size the GP's O(n) training data is shipped instead and workers refactor it
    /// (docs/SCALING.md: the snapshot broadcast is what would saturate the coordinator first).</summary>
    public long ShipTrainingAboveBytes { get; init; } = 1_000_000;
    /// <summary>After resuming with unanswered proposals, wait this long (workers re-ask every second, announcing the
    /// calls they run and re-sending unacknowledged results) before handing any out: no oracle call is repeated.</summary>
    public TimeSpan ResumeGrace { get; init; } = TimeSpan.FromSeconds(2.5);
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
    public static StudyProposals ForSpec(StudySpec spec, string oracle, string method = "bo", int candidates = 2000, double tolerance = 0.5,
                                         ICandidateScorer? scorer = null)
    {
        var bo = new BoOptions { Candidates = Math.Max(100, candidates) };
        var proposer = Proposers.Create(method, bo, scorer);
        var objective = new SitesObjective(spec.Sites);
        return new StudyProposals(new StudyConfig
        {
            Network = "", SiteCount = spec.Sites, Objective = objective.Name, Oracle = oracle, Method = proposer.Name,
            TolerancePercent = tolerance, Budget = spec.Budget, BatchSize = spec.BatchSize, Seed = spec.Seed, ReferenceSeeds = 1,
            Candidates = bo.Candidates,
        }, objective, proposer);
    }

    /// <summary>The engine of a submitted study, built by the same <see cref="StudySetup"/> as single-node optimize.</summary>
    public static StudyProposals FromSetup(StudySetup setup) => new(setup.Config, setup.Objective, setup.Proposer);

    public IReadOnlyList<ProposedCall> ProposeRound(int round, IReadOnlyList<Observed> observed, int count)
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
            // The coordinator asks for a round only when every proposal is answered, so a round that ends early here
            // was cut short by the budget of an earlier life of the study (resumed with a larger one): replay its prefix.
            bool cut = observed.Count - i < _open.Count;
            if (cut && observed.Count == i)
                throw new InvalidOperationException($"observations end inside round {_open[0].Round}: 0 of {_open.Count}");
            foreach (var p in cut ? _open.Take(observed.Count - i) : _open)
            {
                var o = observed[i + p.Slot];
                if (o.Mask != p.Mask.ToString())
                    throw new InvalidOperationException($"observation {i + p.Slot} has mask {o.Mask}, the study proposed {p.Mask}");
                _study.Tell(new Observation(p.Round, p.Slot, o.Mask, p.Seed, o.Failed ? null : o.Accuracy, p.Objective,
                    o.Failed ? o.Error ?? "failed on a worker" : null, o.Attempts, o.Seconds));
            }
            if (cut) { _study.CloseRoundShort(); i = observed.Count; }
            else i += _open.Count;
            _open = null;
        }
        _told = i;
        _open = _study.Ask();
        return _open.Select(p => new ProposedCall(p.Mask.ToString(), p.Seed)).ToList();
    }
}
