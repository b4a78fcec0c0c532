using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepTrain.Model.Evaluation;

/// <summary>
/// Scores many masks at once: lanes = masks. One scan over the sites per group of 8 (Vector512) or 4 (Vector256)
/// masks keeps, per lane, the running forward and backward max of the current run; an active site closes the run
/// (adds its two maxima and the site's cost) and resets them; the end closes the joined forward+backward run.
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

    private void One(ReadOnlySpan<ulong> mask, out double time, out double energy)
    {
        var gf = _t.GapMaxForward; var gb = _t.GapMaxBackward; var st = _t.SiteSeconds; var se = _t.SiteJoules;
        int s = _t.SiteCount;
        double acc = 0, siteT = 0, siteE = 0, mf = 0, mb = 0;
        ulong bits = 0;
        for (int j = 0; j < s; j++)
        {
            if ((j & 63) == 0) bits = mask[j >> 6];
            mf = Math.Max(mf, gf[j]); mb = Math.Max(mb, gb[j]);
            if ((bits & 1UL) != 0)
            {
                acc += mf + mb; siteT += st[j]; siteE += se[j]; mf = 0; mb = 0;
            }
            bits >>= 1;
        }
        mf = Math.Max(mf, gf[s]); mb = Math.Max(mb, gb[s]);
        acc += Math.Max(mf, mb);
        time = _t.FixedSeconds + _t.BatchMinusOne * acc + siteT;
        energy = (_t.FixedJoulesPerBatch + siteE + _t.StaticPowerWatts * time) / _t.Batch;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Group512(ReadOnlySpan<ulong> masks, int stride, int m0, Span<double> time, Span<double> energy)
    {
        var gf = _t.GapMaxForward; var gb = _t.GapMaxBackward; var st = _t.SiteSeconds; var se = _t.SiteJoules;
        int s = _t.SiteCount;
        var acc = Vector512<double>.Zero; var siteT = Vector512<double>.Zero; var siteE = Vector512<double>.Zero;
        var mf = Vector512<double>.Zero; var mb = Vector512<double>.Zero;
        var one = Vector512<ulong>.One;
        var bits = Vector512<ulong>.Zero;
        int b = m0 * stride;
        for (int j = 0; j < s; j++)
        {
            if ((j & 63) == 0)
            {
                int w = b + (j >> 6);
                bits = Vector512.Create(masks[w], masks[w + stride], masks[w + 2 * stride], masks[w + 3 * stride],
                                        masks[w + 4 * stride], masks[w + 5 * stride], masks[w + 6 * stride], masks[w + 7 * stride]);
            }
            mf = Vector512.Max(mf, Vector512.Create(gf[j]));
            mb = Vector512.Max(mb, Vector512.Create(gb[j]));
            var act = Vector512.Equals(bits & one, one).AsDouble();
            acc += (mf + mb) & act;
            siteT += Vector512.Create(st[j]) & act;
            siteE += Vector512.Create(se[j]) & act;
            mf = Vector512.AndNot(mf, act);
            mb = Vector512.AndNot(mb, act);
            bits = Vector512.ShiftRightLogical(bits, 1);
        }
        mf = Vector512.Max(mf, Vector512.Create(gf[s]));
        mb = Vector512.Max(mb, Vector512.Create(gb[s]));
        acc += Vector512.Max(mf, mb);
        var t = Vector512.Create(_t.FixedSeconds) + Vector512.Create(_t.BatchMinusOne) * acc + siteT;
        var e = (Vector512.Create(_t.FixedJoulesPerBatch) + siteE + Vector512.Create(_t.StaticPowerWatts) * t) / Vector512.Create((double)_t.Batch);
        t.CopyTo(time.Slice(m0, 8));
        e.CopyTo(energy.Slice(m0, 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Group256(ReadOnlySpan<ulong> masks, int stride, int m0, Span<double> time, Span<double> energy)
    {
        var gf = _t.GapMaxForward; var gb = _t.GapMaxBackward; var st = _t.SiteSeconds; var se = _t.SiteJoules;
        int s = _t.SiteCount;
        var acc = Vector256<double>.Zero; var siteT = Vector256<double>.Zero; var siteE = Vector256<double>.Zero;
        var mf = Vector256<double>.Zero; var mb = Vector256<double>.Zero;
        var one = Vector256<ulong>.One;
        var bits = Vector256<ulong>.Zero;
        int b = m0 * stride;
        for (int j = 0; j < s; j++)
        {
            if ((j & 63) == 0)
            {
                int w = b + (j >> 6);
                bits = Vector256.Create(masks[w], masks[w + stride], masks[w + 2 * stride], masks[w + 3 * stride]);
            }
            mf = Vector256.Max(mf, Vector256.Create(gf[j]));
            mb = Vector256.Max(mb, Vector256.Create(gb[j]));
            var act = Vector256.Equals(bits & one, one).AsDouble();
            acc += (mf + mb) & act;
            siteT += Vector256.Create(st[j]) & act;
            siteE += Vector256.Create(se[j]) & act;
            mf = Vector256.AndNot(mf, act);
            mb = Vector256.AndNot(mb, act);
            bits = Vector256.ShiftRightLogical(bits, 1);
        }
        mf = Vector256.Max(mf, Vector256.Create(gf[s]));
        mb = Vector256.Max(mb, Vector256.Create(gb[s]));
        acc += Vector256.Max(mf, mb);
        var t = Vector256.Create(_t.FixedSeconds) + Vector256.Create(_t.BatchMinusOne) * acc + siteT;
        var e = (Vector256.Create(_t.FixedJoulesPerBatch) + siteE + Vector256.Create(_t.StaticPowerWatts) * t) / Vector256.Create((double)_t.Batch);
        t.CopyTo(time.Slice(m0, 4));
        e.CopyTo(energy.Slice(m0, 4));
    }
}
