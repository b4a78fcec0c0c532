using BenchmarkDotNet.Attributes;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Sweeps;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Mapping;
using DeepTrain.Model.Pipeline;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Bench;

/// <summary>
/// Where one sweep configuration's time goes (issue 10, item 1): each method is one stage of what
/// <see cref="SweepEvaluator"/> does for a configuration it has not cached, on configurations of a spec that varies
/// organization.tiles, crossbar.cols and the batch (policy none; fastest-per-k for the placement DP row). Each
/// invocation cycles to the next configuration so no stage sees the same input twice in a row.
/// </summary>
[MemoryDiagnoser]
public class SweepProfileBenchmarks
{
    private SweepPlan _plan = null!;
    private SweepConfig[] _configs = null!;
    private ArchSpec[] _specs = null!;
    private Network _net = null!;
    private List<LayerMapping>[] _single = null!;
    private TrainingPipeline[] _pipes = null!;
    private ModelTables[] _tables = null!;
    private SweepEvaluator _sweep = null!;
    private int _i;

    [Params("resnet20", "resnet50", "resnet152")]
    public string Net { get; set; } = "resnet50";

    [GlobalSetup]
    public void Setup()
    {
        _plan = SweepPlan.Parse(Spec(Net, "none"));
        _configs = _plan.Configs.ToArray();
        _net = Zoo.Resolve(Net);
        _specs = _configs.Select(c => ArchSpec.Parse(c.ArchJson, c.Arch)).ToArray();
        _single = _specs.Select(s => CrossbarMapper.SingleCopies(_net, s)).ToArray();
        _pipes = _configs.Select((c, k) => new TrainingPipeline(_net, _specs[k], c.Batch)).ToArray();
        _tables = _pipes.Select(ModelTables.Build).ToArray();
        _sweep = new SweepEvaluator(_plan);
    }

    /// <summary>A spec of 4 tiles × 4 column counts × 4 batches = 64 configurations of one network.</summary>
    internal static string Spec(string net, string policy) =>
        $$"""
        { "networks": ["{{net}}"], "archs": ["deeptrain"], "batchSizes": [1, 8, 64, 256],
          "parameters": { "organization.tiles": { "grid": [384, 512, 768, 1024] }, "crossbar.cols": { "grid": [64, 128, 256, 512] } },
          "sitePolicies": ["{{policy}}"] }
        """;

    private int Next() => _i = (_i + 1) % _configs.Length;

    [Benchmark(Description = "spec JSON parse (ArchSpec.Parse)")]
    public ArchSpec ParseSpec() { var c = _configs[Next()]; return ArchSpec.Parse(c.ArchJson, c.Arch); }

    [Benchmark(Description = "network lookup (Zoo.Resolve)")]
    public Network Resolve() => Zoo.Resolve(_configs[Next()].Network);

    [Benchmark(Description = "mapping, single copies")]
    public List<LayerMapping> Mapping() => CrossbarMapper.SingleCopies(_net, _specs[Next()]);

    [Benchmark(Description = "replication, old greedy")]
    public List<LayerMapping> Replication()
    {
        int k = Next();
        var spec = _specs[k];
        var layers = _single[k];
        long one = 0; foreach (var m in layers) one += m.CrossbarsUsed;
        int chips = (int)Math.Max(1, (one + spec.CrossbarsPerChip - 1) / spec.CrossbarsPerChip);
        double peak = new ArchTotals(spec).PeakPowerWatts * chips;
        return GreedyReplication.Balance(layers, chips * spec.CrossbarsPerChip - one, spec.MvmSeconds, _configs[k].Batch,
                                           WeightUpdate.SecondsPerCellWrite(spec, peak), WeightUpdate.LatencyBoundSeconds(spec));
    }

    [Benchmark(Description = "mapping + replication (CrossbarMapper.Map)")]
    public CrossbarMapping MapAll() { int k = Next(); return CrossbarMapper.Map(_net, _specs[k], _configs[k].Batch); }

    [Benchmark(Description = "pipeline: map + stage times + site costs + update")]
    public TrainingPipeline Pipeline() { int k = Next(); return new TrainingPipeline(_net, _specs[k], _configs[k].Batch); }

    [Benchmark(Description = "site costs only (NormSiteCost × S)")]
    public double SiteCosts()
    {
        int k = Next(); double s = 0;
        foreach (var site in _net.Sites) s += NormSiteCost.For(site, _configs[k].Batch, _specs[k]).Seconds;
        return s;
    }

    [Benchmark(Description = "tables: gap maxima + byte lookup (ModelTables.Build(pipeline))")]
    public ModelTables Tables() => ModelTables.Build(_pipes[Next()]);

    [Benchmark(Description = "placement DP (fastest-per-k masks)")]
    public IReadOnlyList<Placement> Placement() => PlacementDp.Solve(_tables[Next()]);

    [Benchmark(Description = "one mask (policy none) batched evaluate")]
    public double OneMask()
    {
        var t = _tables[Next()];
        Span<ulong> w = stackalloc ulong[t.WordsPerMask];
        Span<double> time = stackalloc double[1], e = stackalloc double[1];
        new MaskBatchEvaluator(t).Evaluate(w, t.WordsPerMask, 1, time, e);
        return time[0];
    }

    [Benchmark(Description = "row formatting (mask text + CSV line)")]
    public string Row()
    {
        int k = Next();
        var c = _configs[k];
        var row = new SweepRow(c.FirstPoint, [1e-3, 1e3, 1e-2, 200, 0], SiteMask.None(_net.SiteCount).ToString());
        return SweepCsv.Line(_plan, row);
    }

    [Benchmark(Description = "messaging: SweepRow MessagePack round trip")]
    public object Message()
    {
        int k = Next();
        var row = new SweepRow(_configs[k].FirstPoint, [1e-3, 1e3, 1e-2, 200, 0], SiteMask.None(_net.SiteCount).ToString());
        return DeepTrain.Actors.Serialization.ContractSerializer.Unpack<SweepRow>(DeepTrain.Actors.Serialization.ContractSerializer.Pack(row));
    }

    [Benchmark(Baseline = true, Description = "whole config, uncached (SweepEvaluator.Evaluate, 1 point)")]
    public int WholeConfig()
    {
        var ev = new SweepEvaluator(_plan); // fresh cache: a sweep pays this once per configuration
        return ev.Evaluate(_configs[Next()].FirstPoint, 1).Rows.Length;
    }
}
