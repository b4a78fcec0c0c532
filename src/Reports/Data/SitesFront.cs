namespace DeepTrain.Reports.Data;

/// <summary>The exact fastest time per batch for <paramref name="ActiveSites"/> active normalization sites.</summary>
public readonly record struct FrontPoint(int ActiveSites, double SecondsPerBatch);

/// <summary>A mask the study evaluated with the oracle: its size, model time and whether it met the accuracy bound.</summary>
public sealed record EvaluatedMask(int ActiveSites, double SecondsPerBatch, bool Feasible, string? Mask = null);

/// <summary>
/// Time per batch versus number of active sites: the exact front (placement DP), every evaluated point
/// (feasible / infeasible) and the chosen mask.
/// </summary>
public sealed record SitesFront(
    string Network,
    IReadOnlyList<FrontPoint> Fastest,
    IReadOnlyList<EvaluatedMask> Evaluated,
    EvaluatedMask? Chosen = null,
    int? TotalSites = null);
