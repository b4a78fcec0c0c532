using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DeepTrain.Model.Evaluation;

/// <summary>
/// Scores many masks at once: lanes = masks. One scan over the sites per group of 8 (Vector512) or 4 (Vector256)
/// masks keeps, per lane, the running forward and backward max of the current run; an active site closes the run
/// (adds its two maxima) and resets them; the end closes the joined forward+backward run. Mask words are bit-reversed
/// once per 64 sites so the current site is the sign bit: the lane mask is one arithmetic shift. Site costs are added
/// per mask one byte (8 sites) at a time from <see cref="ModelTables.SiteSecondsByByte"/> on the scalar units.
/// Time = FixedSeconds + (B−1)·Σmax + Σsite; energy per image = (fixed + Σsite energy + static power × time) / B.
/// No allocation per call or per mask; remaining masks go through the same scan in scalar form.
/// </summary>
public sealed class MaskBatchEvaluator
{
    private readonly ModelTables _t;

    public MaskBatchEvaluator(ModelTables tables) { _t = tables; }

    public ModelTables Tables => _t;

    /// <summary>Widest lane count the hardware accelerates (8, 4 or 1).</summary>
    public static int PreferredWidth =>
        Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 4 : 1;

    /// <summary>
    /// Evaluates <c>count</c> masks stored back to back in <paramref name="masks"/> (mask m starts at m·stride,
    /// SiteMask word layout; stride ≥ words per mask). Writes time per batch (s) and energy per image (J).
    /// </summary>
    public void Evaluate(ReadOnlySpan<ulong> masks, int stride, int count, Span<double> timePerBatchSeconds,
                         Span<double> energyPerImageJoules) =>
        Evaluate(masks, stride, count, timePerBatchSeconds, energyPerImageJoules, PreferredWidth);

    /// <summary>As <see cref="Evaluate(ReadOnlySpan{ulong},int,int,Span{double},Span{double})"/> with a forced lane
    /// width (1, 4 or 8) so tests can exercise every path.</summary>
    public void Evaluate(ReadOnlySpan<ulong> masks, int stride, int count, Span<double> timePerBatchSeconds,
                         Span<double> energyPerImageJoules, int width)
    {
        int words = _t.WordsPerMask;
        if (stride < words) throw new ArgumentException($"stride {stride} is below {words} words per mask");
        if (count < 0 || (count > 0 && masks.Length < (long)(count - 1) * stride + words))
            throw new ArgumentException("masks span too short for count");
        if (timePerBatchSeconds.Length < count || energyPerImageJoules.Length < count)
            throw new ArgumentException("output spans shorter than count");
        int m = 0;
        if (width >= 8 && Vector512.IsHardwareAccelerated)
            for (; m + 8 <= count; m += 8) Group512(masks, stride, m, timePerBatchSeconds, energyPerImageJoules);
        if (width >= 4 && Vector256.IsHardwareAccelerated)
            for (; m + 4 <= count; m += 4) Group256(masks, stride, m, timePerBatchSeconds, energyPerImageJoules);
        for (; m < count; m++) One(masks.Slice(m * stride, words), out timePerBatchSeconds[m], out energyPerImageJoules[m]);
    }

    /// <summary>Σ site seconds and joules of one mask's active sites, one byte at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SiteSums(ReadOnlySpan<ulong> mask, out double seconds, out double joules)
    {
        var ts = _t.SiteSecondsByByte; var es = _t.SiteJoulesByByte;
        int bytes = ts.Length >> 8;
        double st = 0, se = 0;
        for (int b = 0; b < bytes; b++)
        {
            int v = (int)(mask[b >> 3] >> ((b & 7) << 3) & 0xFF) + (b << 8);
            st += ts[v]; se += es[v];
        }
        seconds = st; joules = se;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Finish(ReadOnlySpan<ulong> mask, double accMax, out double time, out double energy)
    {
        SiteSums(mask, out double st, out double se);
        time = _t.FixedSeconds + _t.BatchMinusOne * accMax + st;
        energy = (_t.FixedJoulesPerBatch + se + _t.StaticPowerWatts * time) / _t.Batch;
    }

    private void One(ReadOnlySpan<ulong> mask, out double time, out double energy)
    {
        var gf = _t.GapMaxForward; var gb = _t.GapMaxBackward;
        int s = _t.SiteCount;
        double acc = 0, mf = 0, mb = 0;
        ulong bits = 0;
        for (int j = 0; j < s; j++)
        {
            if ((j & 63) == 0) bits = mask[j >> 6];
            mf = Math.Max(mf, gf[j]); mb = Math.Max(mb, gb[j]);
            if ((bits & 1UL) != 0) { acc += mf + mb; mf = 0; mb = 0; }
            bits >>= 1;
        }
        mf = Math.Max(mf, gf[s]); mb = Math.Max(mb, gb[s]);
        acc += Math.Max(mf, mb);
        Finish(mask, acc, out time, out energy);
    }

    /// <summary>Reverses the bit order of a word (site 64w+0 becomes the sign bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ReverseBits(ulong x)
    {
        x = BinaryPrimitives.ReverseEndianness(x);
        x = (x >> 4 & 0x0F0F0F0F0F0F0F0FUL) | (x & 0x0F0F0F0F0F0F0F0FUL) << 4;
        x = (x >> 2 & 0x3333333333333333UL) | (x & 0x3333333333333333UL) << 2;
        x = (x >> 1 & 0x5555555555555555UL) | (x & 0x5555555555555555UL) << 1;
        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Group512(ReadOnlySpan<ulong> masks, int stride, int m0, Span<double> time, Span<double> energy)
    {
        ref double gf = ref MemoryMarshal.GetArrayDataReference(_t.GapMaxForward);
        ref double gb = ref MemoryMarshal.GetArrayDataReference(_t.GapMaxBackward);
        int s = _t.SiteCount;
        var acc = Vector512<double>.Zero;
        var mf = Vector512<double>.Zero; var mb = Vector512<double>.Zero;
        int b = m0 * stride;
        for (int j0 = 0; j0 < s; j0 += 64)
        {
            int w = b + (j0 >> 6);
            var cur = Vector512.Create(ReverseBits(masks[w]), ReverseBits(masks[w + stride]), ReverseBits(masks[w + 2 * stride]),
                                       ReverseBits(masks[w + 3 * stride]), ReverseBits(masks[w + 4 * stride]), ReverseBits(masks[w + 5 * stride]),
                                       ReverseBits(masks[w + 6 * stride]), ReverseBits(masks[w + 7 * stride])).AsInt64();
            int end = Math.Min(s, j0 + 64);
            for (int j = j0; j < end; j++)
            {
                mf = Vector512.MaxNative(mf, Vector512.Create(Unsafe.Add(ref gf, j)));
                mb = Vector512.MaxNative(mb, Vector512.Create(Unsafe.Add(ref gb, j)));
                var act = Vector512.ShiftRightArithmetic(cur, 63).AsDouble();
                acc += (mf + mb) & act;
                mf = Vector512.AndNot(mf, act);
                mb = Vector512.AndNot(mb, act);
                cur = Vector512.ShiftLeft(cur, 1);
            }
        }
        mf = Vector512.MaxNative(mf, Vector512.Create(Unsafe.Add(ref gf, s)));
        mb = Vector512.MaxNative(mb, Vector512.Create(Unsafe.Add(ref gb, s)));
        acc += Vector512.MaxNative(mf, mb);
        int words = _t.WordsPerMask;
        for (int l = 0; l < 8; l++)
            Finish(masks.Slice(b + l * stride, words), acc.GetElement(l), out time[m0 + l], out energy[m0 + l]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Group256(ReadOnlySpan<ulong> masks, int stride, int m0, Span<double> time, Span<double> energy)
    {
        ref double gf = ref MemoryMarshal.GetArrayDataReference(_t.GapMaxForward);
        ref double gb = ref MemoryMarshal.GetArrayDataReference(_t.GapMaxBackward);
        int s = _t.SiteCount;
        var acc = Vector256<double>.Zero;
        var mf = Vector256<double>.Zero; var mb = Vector256<double>.Zero;
        int b = m0 * stride;
        for (int j0 = 0; j0 < s; j0 += 64)
        {
            int w = b + (j0 >> 6);
            var cur = Vector256.Create(ReverseBits(masks[w]), ReverseBits(masks[w + stride]), ReverseBits(masks[w + 2 * stride]),
                                       ReverseBits(masks[w + 3 * stride])).AsInt64();
            int end = Math.Min(s, j0 + 64);
            for (int j = j0; j < end; j++)
            {
                mf = Vector256.MaxNative(mf, Vector256.Create(Unsafe.Add(ref gf, j)));
                mb = Vector256.MaxNative(mb, Vector256.Create(Unsafe.Add(ref gb, j)));
                var act = Vector256.ShiftRightArithmetic(cur, 63).AsDouble();
                acc += (mf + mb) & act;
                mf = Vector256.AndNot(mf, act);
                mb = Vector256.AndNot(mb, act);
                cur = Vector256.ShiftLeft(cur, 1);
            }
        }
        mf = Vector256.MaxNative(mf, Vector256.Create(Unsafe.Add(ref gf, s)));
        mb = Vector256.MaxNative(mb, Vector256.Create(Unsafe.Add(ref gb, s)));
        acc += Vector256.MaxNative(mf, mb);
        int words = _t.WordsPerMask;
        for (int l = 0; l < 4; l++)
            Finish(masks.Slice(b + l * stride, words), acc.GetElement(l), out time[m0 + l], out energy[m0 + l]);
    }
}
