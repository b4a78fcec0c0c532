namespace DeepTrain.Model.Evaluation;

/// <summary>A pipelined run of stages between batch barriers. Kind: "forward", "backward" or "forward+backward"
/// (the forward run after the last active site joined with the backward run down to it).</summary>
public sealed record Segment(string Kind, string FirstLayer, string LastLayer, int Stages, double StageSumSeconds,
                             double MaxStageSeconds, double MakespanSeconds);

/// <summary>Cost of one active normalization site over the batch (forward + backward barrier).</summary>
public sealed record ActiveSiteCost(int Site, string AfterLayer, double Seconds, double NormUnitSeconds, double TransferSeconds,
                                    double SpillSeconds, double Joules, double SpillBytes);

/// <summary>One weighted layer: crossbars (with replication), per-image stage times, compute energy per image.</summary>
public sealed record LayerBreakdown(string Name, long Crossbars, int ReplicationForward, int ReplicationBackward,
                                    int ReplicationGradient, double ForwardSeconds, double BackwardSeconds, double ComputeJoulesPerImage);

/// <summary>Where the energy of one batch goes (joules per batch).</summary>
public sealed record EnergyBreakdown(double ComputeJoules, double InputJoules, double SiteJoules, double WeightUpdateJoules, double StaticJoules)
{
    public double TotalJoules => ComputeJoules + InputJoules + SiteJoules + WeightUpdateJoules + StaticJoules;
}

/// <summary>The model's answer for one (network, spec, batch, mask).</summary>
public sealed record Estimate
{
    public required string Network { get; init; }
    public required string Arch { get; init; }
    public required int Batch { get; init; }
    public required string Mask { get; init; }
    public required double TimePerBatchSeconds { get; init; }
    public double ImagesPerSecond => Batch / TimePerBatchSeconds;
    public required double EnergyPerImageJoules { get; init; }
    public double AveragePowerWatts => EnergyPerImageJoules * Batch / TimePerBatchSeconds;
    public required double AreaMm2 { get; init; }
    public required int Chips { get; init; }
    public required long CrossbarsUsed { get; init; }
    public required long CrossbarsAvailable { get; init; }
    public required int ActiveSites { get; init; }
    public required double WeightUpdateSeconds { get; init; }
    public required double LifetimeBatches { get; init; }
    public required EnergyBreakdown Energy { get; init; }
    public required IReadOnlyList<Segment> Segments { get; init; }
    public required IReadOnlyList<ActiveSiteCost> Sites { get; init; }
    public required IReadOnlyList<LayerBreakdown> Layers { get; init; }
}
