using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DeepTrain.Model.Search.Surrogates;

/// <summary>Plain data of a <see cref="GpSnapshot"/> (L⁻¹ packed row by row, row i holding i+1 entries).</summary>
public sealed record GpSnapshotData(KernelKind Kernel, int SiteCount, bool CountFeature, double[] Theta, ulong[] X, int Count,
                                    double[] Alpha, double[] LinvPacked, double Mean, double Std);

/// <summary>
/// Immutable GP predictor: training masks, α = K⁻¹·y_std, L⁻¹ rows, standardization. Safe to share between threads
/// (and the unit an actor layer ships to acquisition workers). Posterior of the latent accuracy (without noise):
/// μ = mean + std·k*ᵀα, σ² = std²·(σ_f² − ‖L⁻¹k*‖²).
/// </summary>
public sealed class GpSnapshot
{
    private readonly double[] _theta;
    private readonly ulong[] _x;
    private readonly double[] _alpha;
    private readonly double[][] _linv;
    private readonly int[] _counts;
    private readonly double[] _weights;
    // ExpHamming: k = table[d·(S+1) + |Δcount|].
    private readonly double[]? _table;
    // ArdHamming: per word, per byte position, 256 partial weight sums.
    private readonly double[]? _byteSums;

    internal GpSnapshot(MaskKernel kernel, double[] theta, ulong[] x, int n, double[] alpha, double[][] linv,
                        double mean, double std)
    {
        Kernel = kernel; _theta = (double[])theta.Clone(); _x = x; Count = n; _alpha = alpha; _linv = linv;
        Mean = mean; Std = std;
        SignalVariance = Math.Exp(theta[0]);
        NoiseVariance = Math.Exp(theta[1]);
        _weights = new double[kernel.WeightCount];
        for (int j = 0; j < _weights.Length; j++) _weights[j] = Math.Exp(theta[2 + j]);
        _counts = new int[n];
        for (int i = 0; i < n; i++) _counts[i] = kernel.Count(x.AsSpan(i * kernel.Words, kernel.Words));
        int s = kernel.SiteCount;
        double wc = kernel.CountFeature ? _weights[kernel.HammingWeights] : 0;
        if (kernel.Kind == KernelKind.ExpHamming)
        {
            _table = new double[(s + 1) * (s + 1)];
            for (int d = 0; d <= s; d++)
                for (int c = 0; c <= s; c++)
                {
                    double dc = c / (double)s;
                    _table[d * (s + 1) + c] = SignalVariance * Math.Exp(-_weights[0] * d - wc * dc * dc);
                }
        }
        else
        {
            int words = kernel.Words;
            _byteSums = new double[words * 8 * 256];
            for (int k = 0; k < words; k++)
                for (int by = 0; by < 8; by++)
                    for (int v = 0; v < 256; v++)
                    {
                        double sum = 0;
                        for (int bit = 0; bit < 8; bit++)
                        {
                            int site = k * 64 + by * 8 + bit;
                            if ((v >> bit & 1) != 0 && site < s) sum += _weights[site];
                        }
                        _byteSums[(k * 8 + by) * 256 + v] = sum;
                    }
        }
    }

    /// <summary>Everything needed to rebuild this predictor elsewhere (an acquisition worker on another node).</summary>
    public GpSnapshotData Export()
    {
        var packed = new double[Count * (Count + 1) / 2];
        for (int i = 0, o = 0; i < Count; o += i + 1, i++) _linv[i].AsSpan(0, i + 1).CopyTo(packed.AsSpan(o));
        return new GpSnapshotData(Kernel.Kind, Kernel.SiteCount, Kernel.CountFeature, (double[])_theta.Clone(),
            (ulong[])_x.Clone(), Count, (double[])_alpha.Clone(), packed, Mean, Std);
    }

    /// <summary>Rebuilds a predictor from <see cref="Export"/>'s data; predictions are bit-identical on the same
    /// hardware (same vector width). Throws <see cref="ArgumentException"/> on inconsistent sizes.</summary>
    public static GpSnapshot Import(GpSnapshotData d)
    {
        var kernel = new MaskKernel(d.Kernel, d.SiteCount, d.CountFeature);
        int n = d.Count;
        if (n < 0 || d.X.Length != n * kernel.Words || d.Alpha.Length != n || d.LinvPacked.Length != (long)n * (n + 1) / 2
            || d.Theta.Length != kernel.ParameterCount)
            throw new ArgumentException("GP snapshot data has inconsistent sizes");
        var linv = new double[n][];
        for (int i = 0, o = 0; i < n; o += i + 1, i++) linv[i] = d.LinvPacked.AsSpan(o, i + 1).ToArray();
        return new GpSnapshot(kernel, d.Theta, (ulong[])d.X.Clone(), n, (double[])d.Alpha.Clone(), linv, d.Mean, d.Std);
    }

    public MaskKernel Kernel { get; }
    public int Count { get; }
    public double Mean { get; }
    public double Std { get; }
    public double SignalVariance { get; }
    public double NoiseVariance { get; }
    public ReadOnlySpan<double> Theta => _theta;

    /// <summary>Fills <paramref name="k"/> (length n) with k(candidate, x_i) in standardized units.</summary>
    public void CrossCovariance(ReadOnlySpan<ulong> mask, Span<double> k)
    {
        int words = Kernel.Words, n = Count, s = Kernel.SiteCount;
        int c = Kernel.Count(mask);
        if (_table is not null)
        {
            var table = _table;
            if (words == 1)
            {
                ulong m0 = mask[0];
                for (int i = 0; i < n; i++)
                {
                    int d = BitOperations.PopCount(m0 ^ _x[i]);
                    k[i] = table[d * (s + 1) + Math.Abs(c - _counts[i])];
                }
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    int d = 0, o = i * words;
                    for (int w = 0; w < words; w++) d += BitOperations.PopCount(mask[w] ^ _x[o + w]);
                    k[i] = table[d * (s + 1) + Math.Abs(c - _counts[i])];
                }
            }
        }
        else
        {
            var bs = _byteSums!;
            double wc = Kernel.CountFeature ? _weights[Kernel.HammingWeights] : 0;
            for (int i = 0; i < n; i++)
            {
                double sum = 0;
                int o = i * words;
                for (int w = 0; w < words; w++)
                {
                    ulong x = mask[w] ^ _x[o + w];
                    int baseIdx = w * 8 * 256;
                    for (int by = 0; x != 0; by++, x >>= 8) sum += bs[baseIdx + by * 256 + (int)(x & 0xFF)];
                }
                double dc = (c - _counts[i]) / (double)s;
                k[i] = SignalVariance * Math.Exp(-sum - wc * dc * dc);
            }
        }
    }

    /// <summary>Posterior of one mask (allocates nothing for n ≤ 2048).</summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<ulong> mask)
    {
        Span<double> m = stackalloc double[1]; Span<double> v = stackalloc double[1];
        Predict(mask, Kernel.Words, 1, m, v);
        return (m[0], v[0]);
    }

    /// <summary>
    /// Batched posterior mean and latent variance (accuracy units, variance in units²) of <paramref name="count"/>
    /// masks stored back to back with <paramref name="stride"/> words each. Pass an empty <paramref name="variance"/>
    /// to compute means only (n multiply-adds per candidate instead of n²/2). Scratch comes from a pool once per call;
    /// nothing is allocated per candidate. Candidates go through the triangular product four at a time so each row of
    /// L⁻¹ is loaded once per four candidates.
    /// </summary>
    public void Predict(ReadOnlySpan<ulong> masks, int stride, int count, Span<double> mean, Span<double> variance)
    {
        int n = Count;
        if (n == 0)
        {
            for (int c = 0; c < count; c++) { mean[c] = Mean; if (!variance.IsEmpty) variance[c] = SignalVariance * Std * Std; }
            return;
        }
        const int Block = 4;
        var pool = ArrayPool<double>.Shared;
        var kb = pool.Rent(Block * n);
        Span<double> v4 = stackalloc double[Block]; // partial-block lanes; outside the loop (CA2014)
        try
        {
            int words = Kernel.Words;
            for (int c0 = 0; c0 < count; c0 += Block)
            {
                int nb = Math.Min(Block, count - c0);
                for (int b = 0; b < nb; b++)
                {
                    var kk = kb.AsSpan(b * n, n);
                    CrossCovariance(masks.Slice((c0 + b) * stride, words), kk);
                    mean[c0 + b] = Mean + Std * Cholesky.Dot(kk, _alpha);
                }
                if (variance.IsEmpty) continue;
                if (nb == Block) Quad4(kb, n, variance, c0);
                else
                {
                    // A partial block goes through the same four-lane kernel (lanes are independent; the unused ones
                    // repeat the last candidate), so a candidate's variance is bit-identical wherever it sits in a
                    // batch: chunked scoring on acquisition workers equals scoring the whole candidate set at once.
                    for (int b = nb; b < Block; b++) kb.AsSpan((nb - 1) * n, n).CopyTo(kb.AsSpan(b * n, n));
                    Quad4(kb, n, v4, 0);
                    for (int b = 0; b < nb; b++) variance[c0 + b] = v4[b];
                }
            }
        }
        finally { pool.Return(kb); }
    }

    private void Quad4(double[] kb, int n, Span<double> variance, int c0)
    {
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        var k0 = kb.AsSpan(0, n); var k1 = kb.AsSpan(n, n); var k2 = kb.AsSpan(2 * n, n); var k3 = kb.AsSpan(3 * n, n);
        int w = Vector<double>.Count;
        for (int i = 0; i < n; i++)
        {
            var row = _linv[i].AsSpan();
            int len = i + 1, j = 0;
            double v0 = 0, v1 = 0, v2 = 0, v3 = 0;
            if (Vector512.IsHardwareAccelerated && len >= 8)
            {
                var a0 = Vector512<double>.Zero; var a1 = Vector512<double>.Zero; var a2 = Vector512<double>.Zero; var a3 = Vector512<double>.Zero;
                ref double r0 = ref MemoryMarshal.GetReference(row);
                ref double p0 = ref MemoryMarshal.GetReference(k0); ref double p1 = ref MemoryMarshal.GetReference(k1);
                ref double p2 = ref MemoryMarshal.GetReference(k2); ref double p3 = ref MemoryMarshal.GetReference(k3);
                for (; j + 8 <= len; j += 8)
                {
                    var r = Vector512.LoadUnsafe(ref r0, (nuint)j);
                    a0 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref p0, (nuint)j), a0);
                    a1 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref p1, (nuint)j), a1);
                    a2 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref p2, (nuint)j), a2);
                    a3 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref p3, (nuint)j), a3);
                }
                v0 = Vector512.Sum(a0); v1 = Vector512.Sum(a1); v2 = Vector512.Sum(a2); v3 = Vector512.Sum(a3);
            }
            else if (Vector.IsHardwareAccelerated && len >= w)
            {
                var a0 = Vector<double>.Zero; var a1 = Vector<double>.Zero; var a2 = Vector<double>.Zero; var a3 = Vector<double>.Zero;
                for (; j + w <= len; j += w)
                {
                    var r = new Vector<double>(row.Slice(j, w));
                    a0 += r * new Vector<double>(k0.Slice(j, w));
                    a1 += r * new Vector<double>(k1.Slice(j, w));
                    a2 += r * new Vector<double>(k2.Slice(j, w));
                    a3 += r * new Vector<double>(k3.Slice(j, w));
                }
                v0 = Vector.Sum(a0); v1 = Vector.Sum(a1); v2 = Vector.Sum(a2); v3 = Vector.Sum(a3);
            }
            for (; j < len; j++)
            {
                double r = row[j];
                v0 += r * k0[j]; v1 += r * k1[j]; v2 += r * k2[j]; v3 += r * k3[j];
            }
            q0 += v0 * v0; q1 += v1 * v1; q2 += v2 * v2; q3 += v3 * v3;
        }
        double s2 = Std * Std;
        variance[c0] = Math.Max(0, SignalVariance - q0) * s2;
        variance[c0 + 1] = Math.Max(0, SignalVariance - q1) * s2;
        variance[c0 + 2] = Math.Max(0, SignalVariance - q2) * s2;
        variance[c0 + 3] = Math.Max(0, SignalVariance - q3) * s2;
    }
}
