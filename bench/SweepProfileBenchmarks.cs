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

/// <summary>Mapping + replication of one configuration: the old greedy (baseline) against the exact allocator,
/// on the same configurations (the sweep spec of <see cref="SweepProfileBenchmarks"/>), one run.</summary>
[MemoryDiagnoser]
public class ReplicationBenchmarks
{
    private CrossbarMapper.ReplicationProblem[] _problems = null!;
    private ArchSpec[] _specs = null!;
    private int[] _batch = null!;
    private int _i;

    [Params("resnet20", "resnet50", "resnet152")]
    public string Net { get; set; } = "resnet50";

    [GlobalSetup]
    public void Setup()
    {
        var plan = SweepPlan.Parse(SweepProfileBenchmarks.Spec(Net, "none"));
        var net = Zoo.Resolve(Net);
        _specs = plan.Configs.Select(c => ArchSpec.Parse(c.ArchJson, c.Arch)).ToArray();
        _batch = plan.Configs.Select(c => c.Batch).ToArray();
        _problems = _specs.Select(s => CrossbarMapper.Problem(net, s)).ToArray();
    }

    private int Next() => _i = (_i + 1) % _specs.Length;

    [Benchmark(Baseline = true, Description = "greedy (before issue 10)")]
    public List<LayerMapping> Greedy()
    {
        int k = Next(); var p = _problems[k];
        return GreedyReplication.Balance(p.Layers, p.SpareCrossbars, _specs[k].MvmSeconds, _batch[k], p.SecondsPerCellWrite, p.FixedUpdateSeconds);
    }

    [Benchmark(Description = "exact parametric allocator")]
    public List<LayerMapping> Exact()
    {
        int k = Next(); var p = _problems[k];
        return ReplicationAllocator.Balance(p.Layers, p.SpareCrossbars, _specs[k].MvmSeconds, _batch[k], p.SecondsPerCellWrite, p.FixedUpdateSeconds);
    }
}

/// <summary>One configuration's mapping + replication + stage times + site costs + time/energy of one mask
/// (policy none): the scalar pipeline and tables (baseline, what sweeps do today) against the configuration-batch
/// evaluator over the 64 lanes of the profile spec (OperationsPerInvoke = 64, so both rows are per configuration).
/// Filling the lanes (<see cref="ConfigLanes.Add"/>: validation and the component table) is its own row.</summary>
[MemoryDiagnoser]
public class ConfigBatchBenchmarks
{
    private const int Lanes = 64;
    private ArchSpec[] _specs = null!;
    private int[] _batch = null!;
    private Network _net = null!;
    private ConfigLanes _lanes = null!, _scratch = null!;
    private ConfigResults _results = null!;
    private ConfigBatchEvaluator _eval = null!;
    private ulong[] _mask = null!;
    private int _i;

    [Params("resnet20", "resnet50", "resnet152")]
    public string Net { get; set; } = "resnet50";

    [GlobalSetup]
    public void Setup()
    {
        var plan = SweepPlan.Parse(SweepProfileBenchmarks.Spec(Net, "none"));
        _net = Zoo.Resolve(Net);
        _specs = plan.Configs.Select(c => ArchSpec.Parse(c.ArchJson, c.Arch)).ToArray();
        _batch = plan.Configs.Select(c => c.Batch).ToArray();
        _lanes = new ConfigLanes(Lanes); _scratch = new ConfigLanes(Lanes);
        for (int k = 0; k < Lanes; k++) _lanes.Add(_specs[k], _batch[k]);
        _results = new ConfigResults(Lanes);
        _eval = new ConfigBatchEvaluator(_net);
        _mask = new ulong[SiteMask.WordsFor(_net.SiteCount)];
    }

    [Benchmark(Baseline = true, Description = "scalar pipeline + tables + one mask")]
    public double Scalar()
    {
        int k = _i = (_i + 1) % Lanes;
        var t = ModelTables.Build(new TrainingPipeline(_net, _specs[k], _batch[k]));
        Span<double> time = stackalloc double[1], e = stackalloc double[1];
        new MaskBatchEvaluator(t).Evaluate(_mask, _mask.Length, 1, time, e);
        return time[0];
    }

    [Benchmark(OperationsPerInvoke = Lanes, Description = "config lanes, per configuration")]
    public double Batched()
    {
        _eval.Evaluate(_lanes, _mask, _results);
        return _results.TimePerBatchSeconds[Lanes - 1];
    }

    [Benchmark(OperationsPerInvoke = Lanes, Description = "filling a lane (ConfigLanes.Add)")]
    public int Fill()
    {
        _scratch.Clear();
        for (int k = 0; k < Lanes; k++) _scratch.Add(_specs[k], _batch[k]);
        return _scratch.Count;
    }
}
