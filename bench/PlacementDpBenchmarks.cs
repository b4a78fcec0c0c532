using BenchmarkDotNet.Attributes;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Bench;

/// <summary>
/// Issue 10 item 5: the fastest placement for every k, the previous O(S³) DP (<see cref="PlacementDpCubic"/>,
/// Baseline) side by side with the new one and its two layer paths (<see cref="PlacementDp"/>), on the tables of one configuration
/// (deeptrain preset, batch 64).
/// </summary>
[MemoryDiagnoser]
public class PlacementDpBenchmarks
{
    private ModelTables _tables = null!;

    [Params("resnet56", "resnet110", "resnet152")]
    public string Net { get; set; } = "resnet110";

    [GlobalSetup]
    public void Setup() => _tables = ModelTables.Build(Zoo.Resolve(Net), ArchSpec.Load("deeptrain"), 64);

    [Benchmark(Baseline = true, Description = "old O(S³) DP")]
    public IReadOnlyList<Placement> Cubic() => PlacementDpCubic.Solve(_tables);

    [Benchmark(Description = "new (pruned scan, tree fallback)")]
    public IReadOnlyList<Placement> Fast() => PlacementDp.Solve(_tables);

    [Benchmark(Description = "new, segment tree only (O(S² log S))")]
    public IReadOnlyList<Placement> Tree() => PlacementDp.Solve(_tables, 0);

    [Benchmark(Description = "new, pruned scan only (no tree fallback)")]
    public IReadOnlyList<Placement> Pruned() => PlacementDp.Solve(_tables, long.MaxValue);
}
