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
/// PLACEHOLDER until the BO engine of issue 3 lands on main: seeded random proposals that never repeat an observed
/// mask. Deterministic in (seed, round, observations). Not Bayesian optimization.
/// </summary>
public sealed class SeededRandomProposals(int sites, int seed) : IProposalEngine
{
    public IReadOnlyList<string> ProposeRound(int round, IReadOnlyList<Observed> observed, int count)
    {
        var seen = new HashSet<string>(observed.Select(o => o.Mask));
        var rng = new Random(HashCode.Combine(seed, round, observed.Count) & 0x7fffffff);
        var list = new List<string>(count);
        var chars = new char[sites];
        for (int attempt = 0; list.Count < count && attempt < 1000 * count; attempt++)
        {
            double density = rng.NextDouble();
            for (int i = 0; i < sites; i++) chars[i] = rng.NextDouble() < density ? '1' : '0';
            var m = new string(chars);
            if (seen.Add(m)) list.Add(m);
        }
        return list;
    }
}
