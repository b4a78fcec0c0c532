using System.Buffers;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Search.Surrogates;

namespace DeepTrain.Model.Search.Acquisition;

public enum AcquisitionKind
{
    /// <summary>(f_best − f(m))⁺ · P(acc(m) ≥ τ); before any feasible point: P(acc ≥ τ) (ties → lower f).</summary>
    ConstrainedEi,
    /// <summary>P(acc(m) ≥ τ) among candidates that would improve f.</summary>
    ProbabilityOfFeasibility,
    /// <summary>(f_best − f(m))⁺ when the optimistic accuracy μ + κσ ≥ τ, else 0.</summary>
    Ucb,
    /// <summary>Thompson sampling. In <see cref="Optim.BoProposer"/>: candidates are shortlisted by the UCB screen, then
    /// each slot takes the lowest-f mask that one joint posterior draw over the shortlist makes feasible
    /// (<see cref="ThompsonSampling"/>). As a per-candidate score here (local search, other callers):
    /// (f_best − f(m))⁺ when a marginal draw seeded by (round seed, mask) is ≥ τ.</summary>
    Thompson,
}

/// <summary>Everything but the GP that a score depends on; immutable, cheap to ship with a snapshot.</summary>
public sealed record AcquisitionContext(AcquisitionKind Kind, double Threshold, double FBest, double Kappa = 2.0, ulong ThompsonSeed = 0)
{
    public bool HasFeasible => double.IsFinite(FBest);

    public static AcquisitionKind ParseKind(string s) => s.Trim().ToLowerInvariant() switch
    {
        "ei" or "cei" => AcquisitionKind.ConstrainedEi,
        "pf" => AcquisitionKind.ProbabilityOfFeasibility,
        "ucb" => AcquisitionKind.Ucb,
        "ts" or "thompson" => AcquisitionKind.Thompson,
        _ => throw new UserError($"--acquisition: unknown '{s}'; use ei, pf, ucb or ts"),
    };
}

/// <summary>
/// Scores candidate masks. Screening first: a candidate with f(m) ≥ f_best scores 0 with no GP work; only the rest
/// go through the GP (batched, via <see cref="GpSnapshot.Predict(ReadOnlySpan{ulong},int,int,Span{double},Span{double})"/>).
/// Allocation: pooled scratch once per call, nothing per candidate.
/// </summary>
public static class AcquisitionFunction
{
    /// <summary>Scores <paramref name="count"/> packed masks with known objective values <paramref name="f"/>.
    /// Returns the number of candidates that needed GP work.</summary>
    public static int Score(GpSnapshot gp, AcquisitionContext ctx, ReadOnlySpan<ulong> masks, int count,
                            ReadOnlySpan<double> f, Span<double> scores)
    {
        int words = gp.Kernel.Words;
        var pool = ArrayPool<ulong>.Shared; var dpool = ArrayPool<double>.Shared; var ipool = ArrayPool<int>.Shared;
        const int Chunk = 256;
        var buf = pool.Rent(Chunk * words);
        var idx = ipool.Rent(Chunk);
        var mu = dpool.Rent(Chunk); var var = dpool.Rent(Chunk);
        int gpWork = 0;
        try
        {
            int c = 0;
            while (c < count)
            {
                int m = 0;
                for (; c < count && m < Chunk; c++)
                {
                    if (ctx.HasFeasible && !(f[c] < ctx.FBest)) { scores[c] = 0; continue; }
                    masks.Slice(c * words, words).CopyTo(buf.AsSpan(m * words, words));
                    idx[m++] = c;
                }
                if (m == 0) continue;
                gpWork += m;
                gp.Predict(buf, words, m, mu, var);
                for (int j = 0; j < m; j++)
                {
                    int i = idx[j];
                    scores[i] = ScoreOne(ctx, f[i], mu[j], var[j], buf.AsSpan(j * words, words));
                }
            }
        }
        finally { pool.Return(buf); ipool.Return(idx); dpool.Return(mu); dpool.Return(var); }
        return gpWork;
    }

    /// <summary>
    /// Exact top-<paramref name="k"/> by score (ties: lower f, then lower index) with bound pruning: a first pass
    /// computes only posterior means (n per candidate) and an upper bound of each score using the prior standard
    /// deviation (σ ≤ σ_prior, so P(acc ≥ τ) ≤ Φ((μ − τ)/σ_prior) for μ &lt; τ); variances (n²/2) are then computed in
    /// order of decreasing bound until the k-th best exact score is at least the next bound. This is the call an
    /// acquisition worker makes on its chunk. Thompson scores have no such bound and are scored in full.
    /// Returns the number of variances computed. Only positive scores are returned.
    /// </summary>
    public static int TopK(GpSnapshot gp, AcquisitionContext ctx, ReadOnlySpan<ulong> masks, int count, ReadOnlySpan<double> f,
                           int k, List<(int Index, double Score)> result)
    {
        result.Clear();
        int words = gp.Kernel.Words;
        var mu = new double[count];
        gp.Predict(masks, words, count, mu, default);
        double sdMax = Math.Sqrt(gp.SignalVariance) * gp.Std;
        var bound = new double[count];
        var order = new int[count];
        int m = 0;
        for (int i = 0; i < count; i++)
        {
            if (ctx.HasFeasible && !(f[i] < ctx.FBest)) continue;
            double gain = ctx.HasFeasible ? ctx.FBest - f[i] : 1;
            double b = ctx.Kind switch
            {
                AcquisitionKind.ConstrainedEi => mu[i] >= ctx.Threshold ? gain : gain * Pf(mu[i], sdMax, ctx.Threshold),
                AcquisitionKind.ProbabilityOfFeasibility => mu[i] >= ctx.Threshold ? 1 : Pf(mu[i], sdMax, ctx.Threshold),
                AcquisitionKind.Ucb => mu[i] + ctx.Kappa * sdMax >= ctx.Threshold ? gain : (ctx.HasFeasible ? 0 : 1e-3),
                _ => double.PositiveInfinity,
            };
            if (b <= 0) continue;
            bound[i] = b; order[m++] = i;
        }
        var keys = new double[m];
        for (int j = 0; j < m; j++) keys[j] = -bound[order[j]];
        Array.Sort(keys, order, 0, m);
        const int Block = 64;
        var blockMasks = new ulong[Block * words]; var bm = new double[Block]; var bv = new double[Block];
        var blockIdx = new int[Block];
        int computed = 0;
        var best = new List<(int Index, double Score)>();
        int jj = 0;
        while (jj < m)
        {
            // Next block of candidates whose bound can still beat the current k-th score.
            int nb = 0;
            for (; jj < m && nb < Block; jj++)
            {
                int i = order[jj];
                if (best.Count >= k && best[^1].Score > bound[i]) { jj = m; break; }
                masks.Slice(i * words, words).CopyTo(blockMasks.AsSpan(nb * words, words));
                blockIdx[nb++] = i;
            }
            if (nb == 0) break;
            gp.Predict(blockMasks, words, nb, bm, bv);
            computed += nb;
            for (int t = 0; t < nb; t++)
            {
                int i = blockIdx[t];
                double sc = ScoreOne(ctx, f[i], bm[t], bv[t], masks.Slice(i * words, words));
                if (sc <= 0) continue;
                int pos = -1;
                for (int b = 0; b < best.Count; b++)
                {
                    var x = best[b];
                    if (sc > x.Score || (sc == x.Score && (f[i] < f[x.Index] || (f[i] == f[x.Index] && i < x.Index)))) { pos = b; break; }
                }
                if (pos < 0) best.Add((i, sc)); else best.Insert(pos, (i, sc));
                if (best.Count > k) best.RemoveAt(best.Count - 1);
            }
        }
        result.AddRange(best);
        return computed;
    }

    public static double ScoreOne(AcquisitionContext ctx, double f, double mean, double variance, ReadOnlySpan<ulong> mask)
    {
        double sd = Math.Sqrt(Math.Max(variance, 0));
        double gain = ctx.HasFeasible ? Math.Max(0, ctx.FBest - f) : 1;
        switch (ctx.Kind)
        {
            case AcquisitionKind.ConstrainedEi:
                return gain * Pf(mean, sd, ctx.Threshold);
            case AcquisitionKind.ProbabilityOfFeasibility:
                return Pf(mean, sd, ctx.Threshold);
            case AcquisitionKind.Ucb:
                return mean + ctx.Kappa * sd >= ctx.Threshold ? gain : (ctx.HasFeasible ? 0 : Pf(mean, sd, ctx.Threshold) * 1e-3);
            case AcquisitionKind.Thompson:
            {
                double z = Normal(MaskHash.Mix(ctx.ThompsonSeed ^ MaskHash.Of(mask)));
                double draw = mean + sd * z;
                return draw >= ctx.Threshold ? gain : 0;
            }
            default: throw new ArgumentOutOfRangeException(nameof(ctx));
        }
    }

    /// <summary>P(acc ≥ τ) under N(mean, sd²).</summary>
    public static double Pf(double mean, double sd, double threshold) =>
        sd < 1e-12 ? (mean >= threshold ? 1 : 0) : NormalCdf((mean - threshold) / sd);

    /// <summary>Φ(x) via erfc (Numerical Recipes' Chebyshev fit, relative error &lt; 1.2e-7).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                   t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                   t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /// <summary>Standard normal from a 64-bit value (Box–Muller on its two 32-bit halves).</summary>
    public static double Normal(ulong bits)
    {
        double u1 = ((bits >> 32) + 1.0) / 4294967297.0, u2 = (bits & 0xFFFFFFFFUL) / 4294967296.0;
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
