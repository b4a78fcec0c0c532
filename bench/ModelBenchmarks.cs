using BenchmarkDotNet.Attributes;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Bench;

/// <summary>One-mask latency of the scalar reference vs per-mask cost of the vectorized batch evaluator.
/// The batched benchmark scores <see cref="Masks"/> masks per invocation (OperationsPerInvoke), so both rows are
/// "time per mask" and the Ratio column is the speed-up.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class MaskEvaluationBenchmarks
{
    private const int Masks = 4096;
    private ScalarEvaluator _scalar = null!;
    private MaskBatchEvaluator _vector = null!;
    private ulong[] _packed = null!;
    private double[] _time = null!, _energy = null!;
    private int _words, _next;

    [Params("resnet20", "resnet56", "resnet50", "resnet152")]
    public string Net { get; set; } = "resnet50";

    [GlobalSetup]
    public void Setup()
    {
        var net = Zoo.Get(Net);
        var t = ModelTables.Build(net, ArchSpec.Load("deeptrain"), 64);
        _scalar = new ScalarEvaluator(t);
        _vector = new MaskBatchEvaluator(t);
        _words = t.WordsPerMask;
        _packed = new ulong[Masks * _words];
        var rng = new Random(1);
        for (int m = 0; m < Masks; m++)
            for (int i = 0; i < net.SiteCount; i++)
                if (rng.Next(2) == 1) _packed[m * _words + (i >> 6)] |= 1UL << (i & 63);
        _time = new double[Masks];
        _energy = new double[Masks];
    }

    [Benchmark(Baseline = true, Description = "scalar, one mask")]
    public double ScalarOneMask()
    {
        int m = _next = (_next + 1) & (Masks - 1);
        return _scalar.TimePerBatchSeconds(_packed.AsSpan(m * _words, _words));
    }

    [Benchmark(OperationsPerInvoke = Masks, Description = "batched, per mask")]
    public double BatchedPerMask()
    {
        _vector.Evaluate(_packed, _words, Masks, _time, _energy);
        return _time[Masks - 1];
    }
}

/// <summary>Spec-to-stage-time precomputation: mapping, replication, stage times, site costs, SoA tables.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TablesBuildBenchmarks
{
    private Network _net = null!;
    private ArchSpec _spec = null!;

    [Params("resnet20", "resnet56", "resnet50", "resnet152")]
    public string Net { get; set; } = "resnet50";

    [GlobalSetup]
    public void Setup() { _net = Zoo.Get(Net); _spec = ArchSpec.Load("deeptrain"); }

    [Benchmark(Description = "ModelTables.Build")]
    public ModelTables Build() => ModelTables.Build(_net, _spec, 64);
}
