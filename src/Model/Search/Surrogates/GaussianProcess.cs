using System.Numerics;

namespace DeepTrain.Model.Search.Surrogates;

/// <summary>What rebuilds a <see cref="GaussianProcess"/> elsewhere: kernel, θ, packed training masks, raw values.</summary>
public sealed record GpTrainingData(KernelKind Kernel, int SiteCount, bool CountFeature, double[] Theta, ulong[] X, double[] Y);

/// <summary>Options of the accuracy surrogate.</summary>
public sealed record GpOptions
{
    public KernelKind Kernel { get; init; } = KernelKind.ExpHamming;
    /// <summary>Adds the fraction of active sites as an extra input (its own weight).</summary>
    public bool CountFeature { get; init; }
    /// <summary>L-BFGS restarts after the first start from <see cref="MaskKernel.DefaultTheta"/>.</summary>
    public int Restarts { get; init; } = 2;
    public int MaxIterations { get; init; } = 50;
    /// <summary>Lower bound of the noise variance on the standardized scale.</summary>
    public double MinNoise { get; init; } = 1e-6;
    /// <summary>Hyperparameters are fitted on at most this many observations (the most recent ones); the factor
    /// always uses all of them. Keeps a fit at n = 2000 to seconds instead of minutes (docs/SEARCH.md).</summary>
    public int MaxFitObservations { get; init; } = 400;
}

/// <summary>
/// Gaussian process for accuracy over site masks: constant mean and unit scale from standardizing the observed
/// values (mean, population standard deviation, as scikit-learn's normalize_y), kernel from <see cref="MaskKernel"/>,
/// Gaussian noise, Cholesky with adaptive jitter. <see cref="Add"/> appends an observation and extends the factor by
/// one row (O(n²)); <see cref="Fit"/> maximizes the log marginal likelihood over θ with analytic gradients (L-BFGS,
/// restarts drawn from the seed) and refactors. <see cref="Snapshot"/> returns an immutable predictor.
/// </summary>
public sealed class GaussianProcess
{
    private ulong[] _x = new ulong[64];
    private double[] _y = new double[16];
    private double[][] _l = new double[16][];
    private double[][] _linv = new double[16][];
    private int _factored;
    private double[] _theta;
    private double _jitter;

    public GaussianProcess(int siteCount, GpOptions? options = null)
    {
        Options = options ?? new GpOptions();
        Kernel = new MaskKernel(Options.Kernel, siteCount, Options.CountFeature);
        _theta = Kernel.DefaultTheta();
    }

    public GpOptions Options { get; }
    public MaskKernel Kernel { get; }
    public int Count { get; private set; }
    public int Words => Kernel.Words;
    /// <summary>Current hyperparameters θ (see <see cref="MaskKernel"/> for the layout).</summary>
    public ReadOnlySpan<double> Theta => _theta;
    /// <summary>Jitter added to the diagonal by the last factorization (0 when none was needed).</summary>
    public double Jitter => _jitter;

    public ReadOnlySpan<ulong> Mask(int i) => _x.AsSpan(i * Words, Words);
    public double Value(int i) => _y[i];

    /// <summary>Sets θ and refactors.</summary>
    public void SetTheta(ReadOnlySpan<double> theta)
    {
        if (theta.Length != Kernel.ParameterCount) throw new ArgumentException($"θ needs {Kernel.ParameterCount} values");
        _theta = theta.ToArray();
        _factored = 0;
        Refactor();
    }

    /// <summary>Appends one observation and extends the Cholesky factor by one row (hyperparameters unchanged).</summary>
    public void Add(ReadOnlySpan<ulong> mask, double y)
    {
        if (mask.Length < Words) throw new ArgumentException("mask has too few words");
        if (!double.IsFinite(y)) throw new ArgumentException("observation must be finite");
        Grow(Count + 1);
        mask[..Words].CopyTo(_x.AsSpan(Count * Words, Words));
        _y[Count] = y;
        Count++;
        Refactor();
    }

    private void Grow(int n)
    {
        if (_y.Length >= n && _x.Length >= n * Words) return; // the initial mask buffer holds 16 masks of ≤ 4 words
        int cap = Math.Max(n, _y.Length * 2);
        Array.Resize(ref _x, cap * Words);
        Array.Resize(ref _y, cap);
        Array.Resize(ref _l, cap);
        Array.Resize(ref _linv, cap);
    }

    /// <summary>Factors rows _factored..Count−1; on a failed pivot raises the jitter and refactors everything.</summary>
    private void Refactor()
    {
        var w = Weights(_theta);
        double sf2 = Math.Exp(_theta[0]), sn2 = Math.Exp(_theta[1]);
        var row = new double[Count];
        while (true)
        {
            bool ok = true;
            for (int i = _factored; i < Count; i++)
            {
                _l[i] ??= new double[i + 1];
                if (_l[i].Length < i + 1) _l[i] = new double[i + 1];
                _linv[i] ??= new double[i + 1];
                for (int j = 0; j <= i; j++) row[j] = sf2 * Math.Exp(-Kernel.DistanceSum(Mask(i), Mask(j), w));
                row[i] += sn2 + _jitter;
                if (!Cholesky.FactorRow(_l, i, row)) { ok = false; break; }
                Cholesky.InverseRow(_l, _linv, i);
                _factored = i + 1;
            }
            if (ok) break;
            // Adaptive jitter: start at 1e-10·σ², grow tenfold, refactor from scratch.
            _jitter = _jitter == 0 ? 1e-10 * sf2 : _jitter * 10;
            if (_jitter > sf2) throw new InvalidOperationException("kernel matrix is not positive definite even with large jitter");
            _factored = 0;
        }
    }

    private double[] Weights(ReadOnlySpan<double> theta)
    {
        var w = new double[Kernel.WeightCount];
        for (int j = 0; j < w.Length; j++) w[j] = Math.Exp(theta[2 + j]);
        return w;
    }

    private static void Standardize(ReadOnlySpan<double> y, out double mean, out double std)
    {
        double s = 0;
        foreach (var v in y) s += v;
        mean = y.Length > 0 ? s / y.Length : 0;
        double q = 0;
        foreach (var v in y) q += (v - mean) * (v - mean);
        std = y.Length > 0 ? Math.Sqrt(q / y.Length) : 1;
        if (!(std > 1e-12)) std = 1;
    }

    /// <summary>
    /// Log marginal likelihood of the standardized observations under θ, and its gradient with respect to θ
    /// (½·tr((ααᵀ − K⁻¹)·∂K/∂θ_p)). Uses the observations <paramref name="first"/>..Count−1.
    /// </summary>
    public double LogMarginalLikelihood(ReadOnlySpan<double> theta, Span<double> gradient, int first = 0)
    {
        int n = Count - first;
        if (n <= 0) { gradient.Clear(); return 0; }
        var w = Weights(theta);
        double sf2 = Math.Exp(theta[0]), sn2 = Math.Exp(theta[1]);
        var kf = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double k = sf2 * Math.Exp(-Kernel.DistanceSum(Mask(first + i), Mask(first + j), w));
                kf[i * n + j] = k; kf[j * n + i] = k;
            }
        var l = new double[n][]; var linv = new double[n][];
        double jitter = 0;
        var row = new double[n];
        while (true)
        {
            bool ok = true;
            for (int i = 0; i < n && ok; i++)
            {
                l[i] ??= new double[i + 1]; linv[i] ??= new double[i + 1];
                kf.AsSpan(i * n, i + 1).CopyTo(row);
                row[i] += sn2 + jitter;
                ok = Cholesky.FactorRow(l, i, row);
                if (ok) Cholesky.InverseRow(l, linv, i);
            }
            if (ok) break;
            jitter = jitter == 0 ? 1e-10 * sf2 : jitter * 10;
            if (jitter > sf2) { gradient.Clear(); return double.NegativeInfinity; }
        }
        var ys = new double[n];
        Standardize(_y.AsSpan(first, n), out double mean, out double std);
        for (int i = 0; i < n; i++) ys[i] = (_y[first + i] - mean) / std;
        var alpha = (double[])ys.Clone();
        Cholesky.SolveLower(l, n, alpha);
        double fit = 0;
        for (int i = 0; i < n; i++) fit += alpha[i] * alpha[i];
        Cholesky.SolveUpper(l, n, alpha);
        double logDet = 0;
        for (int i = 0; i < n; i++) logDet += Math.Log(l[i][i]);
        double lml = -0.5 * fit - logDet - 0.5 * n * Math.Log(2 * Math.PI);

        // K⁻¹ = L⁻ᵀL⁻¹: (K⁻¹)_ab = Σ_{k ≥ max(a,b)} X_ka X_kb; use columns of X as rows of U = Xᵀ.
        var u = new double[n * n];
        for (int k = 0; k < n; k++) { var xk = linv[k]; for (int a = 0; a <= k; a++) u[a * n + k] = xk[a]; }
        gradient.Clear();
        double gSf = 0, gNoise = 0;
        var gw = new double[Kernel.WeightCount];
        bool ard = Kernel.Kind == KernelKind.ArdHamming;
        int hw = Kernel.HammingWeights;
        for (int a = 0; a < n; a++)
        {
            var ma = Mask(first + a);
            int ca = Kernel.Count(ma);
            for (int b = 0; b <= a; b++)
            {
                double kinv = Cholesky.Dot(u.AsSpan(a * n + a, n - a), u.AsSpan(b * n + a, n - a));
                double wab = alpha[a] * alpha[b] - kinv;
                double mult = a == b ? 1 : 2;
                if (a == b) gNoise += wab;
                double m = mult * wab * kf[a * n + b];
                gSf += m;
                if (a == b) continue;
                var mb = Mask(first + b);
                if (!ard)
                {
                    int d = 0;
                    for (int k = 0; k < Words; k++) d += BitOperations.PopCount(ma[k] ^ mb[k]);
                    gw[0] += m * d;
                }
                else
                {
                    for (int k = 0; k < Words; k++)
                    {
                        ulong x = ma[k] ^ mb[k];
                        while (x != 0) { gw[(k << 6) + BitOperations.TrailingZeroCount(x)] += m; x &= x - 1; }
                    }
                }
                if (Kernel.CountFeature)
                {
                    double dc = (ca - Kernel.Count(mb)) / (double)Kernel.SiteCount;
                    gw[hw] += m * dc * dc;
                }
            }
        }
        gradient[0] = 0.5 * gSf;
        gradient[1] = 0.5 * sn2 * gNoise;
        for (int j = 0; j < gw.Length; j++) gradient[2 + j] = -0.5 * w[j] * gw[j];
        return lml;
    }

    /// <summary>Maximizes the log marginal likelihood (first start: current θ; then <see cref="GpOptions.Restarts"/>
    /// uniform draws in the bounds from <paramref name="seed"/>) and refactors with the best θ. Deterministic.</summary>
    public double Fit(int seed)
    {
        if (Count < 2) { Refactor(); return 0; }
        int p = Kernel.ParameterCount;
        var lo = new double[p]; var hi = new double[p];
        Kernel.Bounds(lo, hi, Options.MinNoise);
        int first = Math.Max(0, Count - Options.MaxFitObservations);
        var rng = new Random(seed);
        double best = double.NegativeInfinity;
        double[] bestTheta = (double[])_theta.Clone();
        for (int r = 0; r <= Options.Restarts; r++)
        {
            var start = new double[p];
            if (r == 0) for (int j = 0; j < p; j++) start[j] = Math.Clamp(_theta[j], lo[j], hi[j]);
            else for (int j = 0; j < p; j++) start[j] = lo[j] + rng.NextDouble() * (hi[j] - lo[j]);
            var (th, val) = Lbfgs.Maximize((t, g) => LogMarginalLikelihood(t, g, first), start, lo, hi, Options.MaxIterations);
            if (val > best) { best = val; bestTheta = th; }
        }
        _theta = bestTheta;
        _factored = 0; _jitter = 0;
        Refactor();
        return best;
    }

    /// <summary>The observations, θ and kernel: O(n) numbers from which <see cref="FromTraining"/> rebuilds this
    /// process's factor (what a cluster ships instead of an O(n²) snapshot when n is large).</summary>
    public GpTrainingData Training() => new(Kernel.Kind, Kernel.SiteCount, Kernel.CountFeature, (double[])_theta.Clone(),
        _x.AsSpan(0, Count * Words).ToArray(), _y.AsSpan(0, Count).ToArray());

    /// <summary>
    /// Rebuilds a process from <see cref="Training"/>: factors all rows from scratch with θ and no jitter — the same
    /// computation <see cref="Fit"/> ends with (and the same jitter sequence as row-by-row <see cref="Add"/>s), so
    /// its snapshot predicts bit-identically on the same hardware. Costs n³/3 multiply-adds.
    /// </summary>
    public static GaussianProcess FromTraining(GpTrainingData d)
    {
        var gp = new GaussianProcess(d.SiteCount, new GpOptions { Kernel = d.Kernel, CountFeature = d.CountFeature });
        int n = d.Y.Length;
        if (d.Theta.Length != gp.Kernel.ParameterCount || d.X.Length != n * gp.Words || d.Y.Any(y => !double.IsFinite(y)))
            throw new ArgumentException("GP training data has inconsistent sizes or non-finite values");
        gp.Grow(n);
        d.X.CopyTo(gp._x, 0);
        d.Y.CopyTo(gp._y, 0);
        gp.Count = n;
        gp._theta = (double[])d.Theta.Clone();
        gp._factored = 0; gp._jitter = 0;
        gp.Refactor();
        return gp;
    }

    /// <summary>Immutable predictor over the current observations and hyperparameters.</summary>
    public GpSnapshot Snapshot()
    {
        int n = Count;
        Standardize(_y.AsSpan(0, n), out double mean, out double std);
        var alpha = new double[n];
        for (int i = 0; i < n; i++) alpha[i] = (_y[i] - mean) / std;
        Cholesky.SolveLower(_l, n, alpha);
        Cholesky.SolveUpper(_l, n, alpha);
        var linv = new double[n][];
        for (int i = 0; i < n; i++) linv[i] = _linv[i].AsSpan(0, i + 1).ToArray();
        return new GpSnapshot(Kernel, _theta, _x.AsSpan(0, n * Words).ToArray(), n, alpha, linv, mean, std);
    }

    /// <summary>A copy with the same observations, θ and factor (for Kriging-believer fantasies).</summary>
    public GaussianProcess Clone()
    {
        var g = new GaussianProcess(Kernel.SiteCount, Options);
        g._theta = (double[])_theta.Clone();
        g._x = (ulong[])_x.Clone(); g._y = (double[])_y.Clone();
        g._l = new double[_l.Length][]; g._linv = new double[_linv.Length][];
        for (int i = 0; i < Count; i++) { g._l[i] = (double[])_l[i].Clone(); g._linv[i] = (double[])_linv[i].Clone(); }
        g.Count = Count; g._factored = _factored; g._jitter = _jitter;
        return g;
    }
}
