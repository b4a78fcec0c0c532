namespace DeepTrain.Model.Search.Study;

/// <summary>
/// One oracle call as recorded in the study log. <see cref="Round"/> 0 is the reference measurement (all sites,
/// <see cref="Slot"/> = reference seed index); rounds ≥ 1 are proposals, slot = position in the round's batch.
/// <see cref="AccuracyPercent"/> is null for a failed call, whose <see cref="Error"/> says why.
/// </summary>
public sealed record Observation(int Round, int Slot, string Mask, int Seed, double? AccuracyPercent, double Objective,
                                 string? Error, int Attempts, double Seconds)
{
    public bool IsReference => Round == 0;
    public bool Succeeded => AccuracyPercent is not null;
}

/// <summary>The settings that define a study; a resumed log must agree with them.</summary>
public sealed record StudyConfig
{
    public required string Network { get; init; }
    public required int SiteCount { get; init; }
    public required string Objective { get; init; }
    public required string Oracle { get; init; }
    public required string Method { get; init; }
    public double TolerancePercent { get; init; } = 0.5;
    /// <summary>Total oracle calls, reference measurements included.</summary>
    public int Budget { get; init; } = 60;
    public int BatchSize { get; init; } = 4;
    public int Seed { get; init; } = 1;
    /// <summary>Reference (all sites) measurements, seeds Seed, Seed+1, ….</summary>
    public int ReferenceSeeds { get; init; } = 1;
    public string Acquisition { get; init; } = "ei";
    /// <summary>Candidates scored per acquisition round.</summary>
    public int Candidates { get; init; } = 20000;
}
