using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Search.Surrogates;

namespace DeepTrain.Model.Search.Acquisition;

/// <summary>
/// Thompson sampling by one joint posterior draw over a candidate set (docs/SEARCH.md "Thompson sampling"): the
/// latent accuracies f(c₁..c_m) ~ N(μ, Σ) with Σ = std²·(K_cc − VᵀV), V = L⁻¹K_xc, drawn as μ + chol(Σ + εI)·z with
/// z from a seeded generator. Unlike independent per-candidate draws, correlated candidates (masks a flip apart) get
/// correlated draws, so a draw is a plausible accuracy surface and its best feasible mask is a real sample of the
/// posterior's optimum. Costs O(m²n + m³/6) for m candidates and n observations; meant for a shortlist (m ≤ ~500).
/// </summary>
public static class ThompsonSampling
{
    /// <summary>Prior covariance k(a, b) in standardized units (the kernel of <paramref name="snap"/>).</summary>
    public static double Prior(GpSnapshot snap, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        var k = snap.Kernel; var th = snap.Theta;
        int s = k.SiteCount;
        double sum = 0;
        if (k.Kind == KernelKind.ExpHamming)
        {
            int d = 0;
            for (int w = 0; w < a.Length; w++) d += System.Numerics.BitOperations.PopCount(a[w] ^ b[w]);
            sum = Math.Exp(th[2]) * d;
        }
        else
            for (int i = 0; i < s; i++)
                if ((((a[i >> 6] ^ b[i >> 6]) >> (i & 63)) & 1) != 0) sum += Math.Exp(th[2 + i]);
        if (k.CountFeature)
        {
            double dc = (k.Count(a) - k.Count(b)) / (double)s;
            sum += Math.Exp(th[2 + k.HammingWeights]) * dc * dc;
        }
        return snap.SignalVariance * Math.Exp(-sum);
    }

    /// <summary>Posterior mean (accuracy units) and joint covariance (m×m, row-major, units²) of <paramref name="m"/>
    /// packed masks.</summary>
    public static (double[] Mean, double[] Cov) Posterior(GpSnapshot snap, ReadOnlySpan<ulong> masks, int m)
    {
        int words = snap.Kernel.Words, n = snap.Count;
        var mean = new double[m];
        snap.Predict(masks, words, m, mean, default);
        var d = snap.Export();
        // V (m×n, row j = L⁻¹ k_x(c_j)).
        var v = new double[m * n];
        var kx = new double[n];
        for (int j = 0; j < m; j++)
        {
            snap.CrossCovariance(masks.Slice(j * words, words), kx);
            var row = v.AsSpan(j * n, n);
            for (int i = 0, o = 0; i < n; o += i + 1, i++)
                row[i] = Cholesky.Dot(d.LinvPacked.AsSpan(o, i + 1), kx.AsSpan(0, i + 1));
        }
        double s2 = snap.Std * snap.Std;
        var cov = new double[m * m];
        for (int a = 0; a < m; a++)
            for (int b = 0; b <= a; b++)
            {
                double c = Prior(snap, masks.Slice(a * words, words), masks.Slice(b * words, words))
                           - Cholesky.Dot(v.AsSpan(a * n, n), v.AsSpan(b * n, n));
                cov[a * m + b] = cov[b * m + a] = s2 * c;
            }
        return (mean, cov);
    }

    /// <summary>One joint draw of the latent accuracies of <paramref name="m"/> masks, a pure function of
    /// (snapshot, masks in order, seed). Jitter grows ×10 from 1e-9·scale until the Cholesky succeeds.</summary>
    public static double[] Draw(GpSnapshot snap, ReadOnlySpan<ulong> masks, int m, ulong seed)
    {
        var (mean, cov) = Posterior(snap, masks, m);
        return Draw(mean, cov, m, seed);
    }

    /// <summary>μ + chol(Σ + εI)·z, z_i = Normal(Mix(seed + i)).</summary>
    public static double[] Draw(double[] mean, double[] cov, int m, ulong seed)
    {
        return DrawFactored(mean, Factor(cov, m), m, seed);
    }

    /// <summary>μ + L·z for a factor <paramref name="l"/> from <see cref="Factor"/>.</summary>
    public static double[] DrawFactored(double[] mean, double[] l, int m, ulong seed)
    {
        var z = new double[m];
        for (int i = 0; i < m; i++) z[i] = AcquisitionFunction.Normal(MaskHash.Mix(seed + (ulong)i));
        var draw = (double[])mean.Clone();
        for (int i = 0; i < m; i++) draw[i] += Cholesky.Dot(l.AsSpan(i * m, i + 1), z.AsSpan(0, i + 1));
        return draw;
    }

    /// <summary>Lower Cholesky factor of Σ + εI (row-major m×m), with ε escalated until positive definite.</summary>
    public static double[] Factor(double[] cov, int m)
    {
        double scale = 0;
        for (int i = 0; i < m; i++) scale = Math.Max(scale, cov[i * m + i]);
        if (scale <= 0) scale = 1;
        var l = new double[m * m];
        for (double eps = 1e-9 * scale; ; eps *= 10)
        {
            if (TryFactor(cov, m, eps, l)) return l;
            if (eps > scale) throw new InvalidOperationException("posterior covariance is not positive definite");
        }
    }

    private static bool TryFactor(double[] a, int m, double eps, double[] l)
    {
        Array.Clear(l);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * m + j] + (i == j ? eps : 0) - Cholesky.Dot(l.AsSpan(i * m, j), l.AsSpan(j * m, j));
                if (i == j)
                {
                    if (!(sum > 0)) return false;
                    l[i * m + i] = Math.Sqrt(sum);
                }
                else l[i * m + j] = sum / l[j * m + j];
            }
        }
        return true;
    }

    /// <summary>The pick under one draw: among candidates not excluded, those whose drawn accuracy ≥ τ, the lowest
    /// objective (ties: higher draw, then lower index); if the draw makes none feasible, the highest draw. −1 when
    /// every candidate is excluded.</summary>
    public static int Pick(ReadOnlySpan<double> draw, ReadOnlySpan<double> f, double threshold, ReadOnlySpan<bool> excluded)
    {
        int best = -1, top = -1;
        for (int i = 0; i < draw.Length; i++)
        {
            if (excluded[i]) continue;
            if (top < 0 || draw[i] > draw[top]) top = i;
            if (draw[i] < threshold) continue;
            if (best < 0 || f[i] < f[best] || (f[i] == f[best] && draw[i] > draw[best])) best = i;
        }
        return best >= 0 ? best : top;
    }
}
