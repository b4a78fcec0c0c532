namespace DeepTrain.Model.Mapping;

/// <summary>
/// How one weighted layer sits on crossbars. Three copies: forward (W), backward-error (Wᵀ, a transposed copy)
/// and weight-gradient (arrays of W's shape accumulating ΔW = Σ x ⊗ δ). Each copy may be replicated to split its
/// MVMs (PipeLayer's parallelism granularity G). Times are per image.
/// </summary>
public sealed record LayerMapping
{
    public required int LayerIndex { get; init; }
    public required string Name { get; init; }
    /// <summary>Crossbars of one forward copy: groups × ⌈fan-in/rows⌉ × ⌈fan-out·slices/cols⌉.</summary>
    public required long CrossbarsForward { get; init; }
    /// <summary>Crossbars of one transposed copy (fan-in k·k·Cout/g, fan-out Cin/g).</summary>
    public required long CrossbarsBackward { get; init; }
    public required long CrossbarsGradient { get; init; }
    /// <summary>MVMs per image: one per output pixel (forward), one per input pixel (backward error),
    /// one per output pixel (gradient: same MAC count as forward).</summary>
    public required long MvmsForward { get; init; }
    public required long MvmsBackward { get; init; }
    public required long MvmsGradient { get; init; }
    /// <summary>False for the first layer(s), whose input error is never needed.</summary>
    public required bool NeedsBackwardError { get; init; }
    /// <summary>Cells of one weight copy (weights × slices), rewritten at each update.</summary>
    public required long CellsPerCopy { get; init; }
    public int ReplicationForward { get; init; } = 1;
    public int ReplicationBackward { get; init; } = 1;
    public int ReplicationGradient { get; init; } = 1;

    public long CrossbarsUsed => ReplicationForward * CrossbarsForward
                                 + (NeedsBackwardError ? ReplicationBackward * CrossbarsBackward : 0)
                                 + ReplicationGradient * CrossbarsGradient;

    /// <summary>Array-cycles per image over all three passes (independent of replication).</summary>
    public long ArrayMvmsPerImage => MvmsForward * CrossbarsForward
                                     + (NeedsBackwardError ? MvmsBackward * CrossbarsBackward : 0)
                                     + MvmsGradient * CrossbarsGradient;

    public static double StageSeconds(long mvms, int replication, double mvmSeconds) =>
        mvms == 0 ? 0 : (mvms + replication - 1) / replication * mvmSeconds;
}
