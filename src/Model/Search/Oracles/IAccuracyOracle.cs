using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Oracles;

/// <summary>One oracle call: train/measure the network with this mask. <see cref="Seed"/> is the study seed (or the
/// reference seed i for the i-th reference measurement); <see cref="Network"/> is the --net text.</summary>
public sealed record OracleRequest(SiteMask Mask, string Network, int Seed);

/// <summary>Outcome of one call. A failure is a value, not an exception: it is recorded in the study log with its
/// message (for programs: the stderr tail) and never becomes a number.</summary>
public sealed record OracleResult(bool Succeeded, double AccuracyPercent, string? Error, int Attempts = 1)
{
    public static OracleResult Ok(double accuracyPercent) => new(true, accuracyPercent, null);
    public static OracleResult Failed(string error) => new(false, double.NaN, error);
}

/// <summary>
/// The expensive accuracy measurement behind the search. Contract: async and cancellable (a cancelled call throws
/// <see cref="OperationCanceledException"/> and is not recorded); thread-safe (q calls run in parallel); a call that
/// cannot produce a valid accuracy returns <see cref="OracleResult.Failed"/>; a configuration problem that no retry can
/// fix (missing file, unknown mask in a table) throws <see cref="OracleError"/>. Accuracy is in percent, 0..100.
/// </summary>
public interface IAccuracyOracle
{
    /// <summary>The spec it was created from, e.g. "table:results.csv".</summary>
    string Name { get; }
    Task<OracleResult> EvaluateAsync(OracleRequest request, CancellationToken cancellationToken);
}

/// <summary>Retries failed calls up to <see cref="Attempts"/> times in total; reports the last failure.</summary>
public sealed class RetryingOracle(IAccuracyOracle inner, int attempts) : IAccuracyOracle
{
    public int Attempts { get; } = Math.Max(1, attempts);
    public string Name => inner.Name;

    public async Task<OracleResult> EvaluateAsync(OracleRequest request, CancellationToken cancellationToken)
    {
        OracleResult last = OracleResult.Failed("not run");
        for (int a = 1; a <= Attempts; a++)
        {
            last = await inner.EvaluateAsync(request, cancellationToken).ConfigureAwait(false);
            if (last.Succeeded) return last with { Attempts = a };
        }
        return last with { Attempts = Attempts };
    }
}

/// <summary>Validates a reported accuracy: finite and within 0..100 percent.</summary>
public static class AccuracyCheck
{
    public static string? Problem(double a) =>
        double.IsNaN(a) ? "accuracy is NaN" :
        double.IsInfinity(a) ? "accuracy is infinite" :
        a < 0 || a > 100 ? $"accuracy {a} is outside 0..100 percent" : null;
}
