using System.Numerics;

namespace DeepTrain.Model.Search.Surrogates;

/// <summary>Which covariance over site masks the GP uses (docs/SEARCH.md, "Kernels").</summary>
public enum KernelKind
{
    /// <summary>k(a,b) = σ²·exp(−w·H(a,b)), H = Hamming distance. On 0/1 vectors ‖a−b‖² = H, so this is an RBF kernel
    /// with length scale ℓ = 1/√(2w). Evaluated with XOR + popcount and a lookup table of exp values.</summary>
    ExpHamming,
    /// <summary>k(a,b) = σ²·exp(−Σ_i w_i·[a_i≠b_i]), one weight per site. This is COMBO's diffusion kernel on the
    /// hypercube (Oh et al. 2019), ∏_i tanh(β_i)^[a_i≠b_i] with w_i = −ln tanh β_i, and an anisotropic RBF on 0/1.</summary>
    ArdHamming,
}

/// <summary>
/// Layout of the GP hyperparameter vector θ (all natural logs) and the kernel's distance terms:
/// θ[0] = ln σ² (signal variance, standardized units), θ[1] = ln σₙ² (noise variance), θ[2..] = ln w_j.
/// Weights: one (ExpHamming) or one per site (ArdHamming), then, when <see cref="CountFeature"/> is on, one more for
/// the extra feature c = (active sites)/(sites) entering as w_c·(c_a − c_b)².
/// </summary>
public sealed class MaskKernel
{
    public MaskKernel(KernelKind kind, int siteCount, bool countFeature)
    {
        if (siteCount < 1) throw new ArgumentOutOfRangeException(nameof(siteCount));
        Kind = kind; SiteCount = siteCount; CountFeature = countFeature;
        Words = (siteCount + 63) >> 6;
    }

    public KernelKind Kind { get; }
    public int SiteCount { get; }
    public bool CountFeature { get; }
    public int Words { get; }
    public int HammingWeights => Kind == KernelKind.ExpHamming ? 1 : SiteCount;
    public int WeightCount => HammingWeights + (CountFeature ? 1 : 0);
    public int ParameterCount => 2 + WeightCount;

    /// <summary>Σ_j w_j·D_j(a,b): the exponent of the kernel (without sign). <paramref name="w"/> = exp(θ[2..]).</summary>
    public double DistanceSum(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, ReadOnlySpan<double> w)
    {
        double s = 0;
        if (Kind == KernelKind.ExpHamming)
        {
            int d = 0;
            for (int k = 0; k < Words; k++) d += BitOperations.PopCount(a[k] ^ b[k]);
            s = w[0] * d;
        }
        else
        {
            for (int k = 0; k < Words; k++)
            {
                ulong x = a[k] ^ b[k];
                while (x != 0)
                {
                    int bit = BitOperations.TrailingZeroCount(x);
                    s += w[(k << 6) + bit];
                    x &= x - 1;
                }
            }
        }
        if (CountFeature)
        {
            double dc = (Count(a) - Count(b)) / (double)SiteCount;
            s += w[HammingWeights] * dc * dc;
        }
        return s;
    }

    public int Count(ReadOnlySpan<ulong> a)
    {
        int c = 0;
        for (int k = 0; k < Words; k++) c += BitOperations.PopCount(a[k]);
        return c;
    }

    /// <summary>Default starting hyperparameters: σ² = 1, σₙ² = 0.01, Hamming weight(s) giving correlation e^-1 at
    /// a distance of a quarter of the sites, count weight 1.</summary>
    public double[] DefaultTheta()
    {
        var t = new double[ParameterCount];
        t[0] = 0; t[1] = Math.Log(1e-2);
        double w = 4.0 / SiteCount;
        for (int j = 0; j < HammingWeights; j++) t[2 + j] = Math.Log(w);
        if (CountFeature) t[2 + HammingWeights] = 0;
        return t;
    }

    /// <summary>Box bounds on θ used by the optimizer (natural logs).</summary>
    public void Bounds(Span<double> lower, Span<double> upper, double minNoise)
    {
        lower[0] = Math.Log(1e-2); upper[0] = Math.Log(1e2);
        lower[1] = Math.Log(minNoise); upper[1] = Math.Log(1.0);
        for (int j = 0; j < WeightCount; j++) { lower[2 + j] = Math.Log(1e-4); upper[2 + j] = Math.Log(20.0); }
    }
}
