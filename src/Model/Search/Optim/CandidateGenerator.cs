using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Optim;

/// <summary>
/// Fills a packed buffer with candidate masks for one acquisition round: the objective's seeds (e.g. the exact
/// fastest placement per k), every drop / add / move (drop one site, add another) around the best few feasible
/// masks, then random masks whose density is itself uniform in [0, 1] so sparse and dense regions are both covered.
/// Duplicates and observed masks may appear; scoring and selection filter them.
/// </summary>
public static class CandidateGenerator
{
    public static int Generate(StudyState state, ulong[] buffer, int capacity, ref SplitMix64 rng, int incumbents = 3, bool randomFill = true)
    {
        int words = state.Words, s = state.SiteCount, n = 0;
        foreach (var seed in state.Objective.Seeds)
        {
            if (n >= capacity) return n;
            seed.Words.CopyTo(buffer.AsSpan(n++ * words, words));
        }
        var tmp = new ulong[words];
        foreach (var rec in state.FeasibleByObjective().Take(incumbents))
        {
            var b = rec.Mask.Words;
            for (int i = 0; i < s && n < capacity; i++)
            {
                b.CopyTo(tmp); tmp[i >> 6] ^= 1UL << (i & 63);
                tmp.CopyTo(buffer.AsSpan(n++ * words, words));
            }
            for (int i = 0; i < s; i++)
            {
                if (!Bit(b, i)) continue;
                for (int j = 0; j < s && n < capacity; j++)
                {
                    if (Bit(b, j)) continue;
                    b.CopyTo(tmp); tmp[i >> 6] ^= 1UL << (i & 63); tmp[j >> 6] ^= 1UL << (j & 63);
                    tmp.CopyTo(buffer.AsSpan(n++ * words, words));
                }
            }
        }
        while (randomFill && n < capacity) RandomMask(buffer.AsSpan(n++ * words, words), s, ref rng);
        return n;
    }

    /// <summary><paramref name="centre"/> with <paramref name="flips"/> distinct random sites flipped (a trust-region
    /// candidate at Hamming distance exactly flips).</summary>
    public static void FlipMask(Span<ulong> dst, ReadOnlySpan<ulong> centre, int sites, int flips, ref SplitMix64 rng)
    {
        centre.CopyTo(dst);
        flips = Math.Min(flips, sites);
        int done = 0;
        while (done < flips)
        {
            int i = rng.Next(sites);
            if (Bit(dst, i) != Bit(centre, i)) continue;
            dst[i >> 6] ^= 1UL << (i & 63);
            done++;
        }
    }

    public static bool Bit(ReadOnlySpan<ulong> w, int i) => (w[i >> 6] >> (i & 63) & 1UL) != 0;

    /// <summary>A mask with density p ~ U(0,1): each site active with probability p (16-bit thresholds).</summary>
    public static void RandomMask(Span<ulong> dst, int sites, ref SplitMix64 rng)
    {
        uint p = (uint)(rng.Next() >> 48);
        dst.Clear();
        ulong r = 0; int left = 0;
        for (int i = 0; i < sites; i++)
        {
            if (left == 0) { r = rng.Next(); left = 4; }
            if ((uint)(r & 0xFFFF) < p) dst[i >> 6] |= 1UL << (i & 63);
            r >>= 16; left--;
        }
    }
}
