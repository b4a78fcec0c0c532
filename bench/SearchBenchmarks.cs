using BenchmarkDotNet.Attributes;
using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Search.Surrogates;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Bench;

/// <summary>Shared data: 53-site masks (ResNet-56 has 55 sites; 53 is the size) with a synthetic accuracy.
/// tools/gp_sklearn_bench.py generates the same masks and values for the sklearn comparison.</summary>
public static class SearchData
{
    public const int Sites = 53;

    /// <summary>Mask i: site j active iff ((i·7919 + j·104729) mod 97) &lt; 30 + (i mod 40); accuracy 80 + 0.2·count
    /// + 0.5·sin(i). Deterministic and reproducible in Python.</summary>
    public static (ulong[] Packed, double[] Y) Observations(int n)
    {
        var x = new ulong[n]; var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            int c = 0;
            for (int j = 0; j < Sites; j++)
                if ((i * 7919L + j * 104729L) % 97 < 30 + i % 40) { x[i] |= 1UL << j; c++; }
            y[i] = 80 + 0.2 * c + 0.5 * Math.Sin(i);
        }
        return (x, y);
    }

    public static GaussianProcess Gp(int n, GpOptions? options = null)
    {
        var (x, y) = Observations(n);
        var gp = new GaussianProcess(Sites, options);
        for (int i = 0; i < n; i++) gp.Add(x.AsSpan(i, 1), y[i]);
        return gp;
    }

    public static ulong[] RandomCandidates(int count, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var buf = new ulong[count];
        for (int i = 0; i < count; i++) CandidateGenerator.RandomMask(buf.AsSpan(i, 1), Sites, ref rng);
        return buf;
    }
}

/// <summary>GP fit: hyperparameters (L-BFGS, 1 + 2 restarts, on at most 400 most recent observations) plus the full
/// factorization, exponentiated-Hamming kernel with the count feature.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class GpFitBenchmarks
{
    private GaussianProcess _gp = null!;

    [Params(100, 500, 2000)]
    public int N;

    [IterationSetup]
    public void Setup() => _gp = SearchData.Gp(N, new GpOptions { CountFeature = true });

    [Benchmark(Description = "GP fit (θ + Cholesky)")]
    public double Fit() => _gp.Fit(1);
}

/// <summary>Posterior mean and variance at n = 200 for 65 536 random candidates; per-candidate time.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PosteriorBenchmarks
{
    private const int Count = 65536;
    private GpSnapshot _snap = null!;
    private ulong[] _cand = null!;
    private double[] _mu = null!, _var = null!;

    [GlobalSetup]
    public void Setup()
    {
        var gp = SearchData.Gp(200, new GpOptions { CountFeature = true });
        gp.Fit(1);
        _snap = gp.Snapshot();
        _cand = SearchData.RandomCandidates(Count, 7);
        _mu = new double[Count]; _var = new double[Count];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Count, Description = "one at a time (mean+var)")]
    public double Single()
    {
        double s = 0;
        for (int i = 0; i < Count; i++) s += _snap.Predict(_cand.AsSpan(i, 1)).Variance;
        return s;
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "batched mean+var")]
    public double Batched() { _snap.Predict(_cand, 1, Count, _mu, _var); return _var[Count - 1]; }

    [Benchmark(OperationsPerInvoke = Count, Description = "batched mean only")]
    public double MeanOnly() { _snap.Predict(_cand, 1, Count, _mu, default); return _mu[Count - 1]; }
}

/// <summary>One acquisition round at n = 200 without the hyperparameter fit: generate 1 M candidates, evaluate the
/// objective (sites), screen by f &lt; f_best, score constrained EI, local search from the best 4.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AcquisitionRoundBenchmarks
{
    private const int Count = 1_000_000;
    private GpSnapshot _snap = null!;
    private StudyState _state = null!;
    private ulong[] _buf = null!;
    private double[] _f = null!, _score = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (x, y) = SearchData.Observations(200);
        var obj = new SitesObjective(SearchData.Sites);
        _state = new StudyState(new StudyConfig
        {
            Network = "bench", SiteCount = SearchData.Sites, Objective = "sites", Oracle = "bench", Method = "bo",
            TolerancePercent = 0.5, Budget = 1000, Seed = 1,
        }, obj);
        var all = SiteMask.All(SearchData.Sites);
        _state.Add(new Observation(0, 0, all.ToString(), 1, 80 + 0.2 * 53, 53, null, 1, 0));
        for (int i = 0; i < 200; i++)
        {
            var m = SiteMask.FromWords(SearchData.Sites, x.AsSpan(i, 1));
            _state.Add(new Observation(1 + i / 4, i % 4, m.ToString(), 1, y[i], m.Count, null, 1, 0));
        }
        var gp = BoProposer.Surrogate(_state, new GpOptions(), 1);
        _snap = gp.Snapshot();
        _buf = new ulong[Count]; _f = new double[Count]; _score = new double[Count];
    }

    [Benchmark(Description = "1 M candidates + local search")]
    public double Round()
    {
        var rng = new SplitMix64(3);
        int n = CandidateGenerator.Generate(_state, _buf, Count, ref rng);
        _state.Objective.Evaluate(_buf, n, _f);
        var ctx = BoProposer.Context(_state, AcquisitionKind.ConstrainedEi, 1);
        int gpWork = AcquisitionFunction.Score(_snap, ctx, _buf, n, _f, _score);
        int best = 0;
        for (int i = 1; i < n; i++) if (_score[i] > _score[best]) best = i;
        var (m, f) = BoProposer.LocalSearch(_state, _snap, ctx, _buf.AsSpan(best, 1).ToArray(), _score[best], 30);
        return f + gpWork;
    }

    public double RoundTopK(List<(int Index, double Score)> top)
    {
        var rng = new SplitMix64(3);
        int n = CandidateGenerator.Generate(_state, _buf, Count, ref rng);
        _state.Objective.Evaluate(_buf, n, _f);
        var ctx = BoProposer.Context(_state, AcquisitionKind.ConstrainedEi, 1);
        int variances = AcquisitionFunction.TopK(_snap, ctx, _buf, n, _f, 512, top);
        if (top.Count == 0) return variances;
        var (m, f) = BoProposer.LocalSearch(_state, _snap, ctx, _buf.AsSpan(top[0].Index, 1).ToArray(), top[0].Score, 30);
        return f + variances;
    }
}

/// <summary>The same round scored with bound pruning (<see cref="AcquisitionFunction.TopK"/>): means for all
/// improving candidates, variances only where the score bound can still enter the top 512.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AcquisitionTopKBenchmarks
{
    private readonly AcquisitionRoundBenchmarks _setup = new();
    private readonly List<(int, double)> _top = new();

    [GlobalSetup]
    public void Setup() => _setup.Setup();

    [Benchmark(Description = "1 M candidates, top-512 with bounds + local search")]
    public double Round() => _setup.RoundTopK(_top);
}
