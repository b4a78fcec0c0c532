using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Search.Surrogates;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Optim;

public enum BatchStrategy { KrigingBeliever, Thompson }

public sealed record BoOptions
{
    public GpOptions Gp { get; init; } = new();
    public AcquisitionKind Acquisition { get; init; } = AcquisitionKind.ConstrainedEi;
    public BatchStrategy Batch { get; init; } = BatchStrategy.KrigingBeliever;
    /// <summary>Candidates generated and screened per round.</summary>
    public int Candidates { get; init; } = 20000;
    /// <summary>Local searches started from the best-scoring candidates.</summary>
    public int LocalStarts { get; init; } = 4;
    public int LocalSteps { get; init; } = 30;
    /// <summary>Best candidates kept and rescored after each Kriging-believer fantasy.</summary>
    public int Shortlist { get; init; } = 512;
}

/// <summary>
/// Constrained Bayesian optimization over site masks (docs/SEARCH.md). One round:
/// (1) <see cref="Surrogate"/>: GP on the distinct masks' mean accuracies, hyperparameters refitted with a seed from
/// (study seed, round); (2) <see cref="Context"/>: threshold τ and f_best; (3) candidates from
/// <see cref="CandidateGenerator"/>, objective evaluated in one batch, scored by <see cref="AcquisitionFunction"/>
/// (screened by f &lt; f_best first); (4) local search (drop / add / move) from the best few; (5) q proposals by
/// Kriging believer (fantasize μ at the pick, update the GP by one Cholesky row, rescore the shortlist) or Thompson
/// (a fresh draw seed per slot). Observed masks and duplicates are never proposed.
/// The pieces are public so a distributed coordinator can run (1)–(2) itself, ship the snapshot and context to
/// workers that run (3)–(4) on chunks, and run (5) on the returned shortlists.
/// </summary>
public sealed class BoProposer(BoOptions? options = null, ICandidateScorer? scorer = null) : IMaskProposer
{
    public BoOptions Options { get; } = options ?? new BoOptions();
    /// <summary>Who scores the candidates (step 3): this thread by default, acquisition workers in a cluster.</summary>
    public ICandidateScorer Scorer { get; } = scorer ?? LocalScorer.Instance;
    public string Name => "bo";

    public static ulong RoundSeed(int studySeed, int round) => MaskHash.Mix(((ulong)(uint)studySeed << 32) ^ (uint)round ^ 0xB0B0UL);

    /// <summary>GP over the distinct masks with at least one successful measurement, fitted deterministically.</summary>
    public static GaussianProcess Surrogate(StudyState state, GpOptions options, int round)
    {
        var gp = new GaussianProcess(state.SiteCount, options);
        foreach (var r in state.Masks) if (r.MeanAccuracy is double a) gp.Add(r.Mask.Words, a);
        if (gp.Count >= 2) gp.Fit((int)(RoundSeed(state.Config.Seed, round) & 0x7FFFFFFF));
        return gp;
    }

    public static AcquisitionContext Context(StudyState state, AcquisitionKind kind, int round, int slot = 0) =>
        new(kind, state.Threshold, state.Incumbent?.Objective ?? double.PositiveInfinity, 2.0,
            MaskHash.Mix(RoundSeed(state.Config.Seed, round) + (ulong)slot));

    public IReadOnlyList<SiteMask> Propose(StudyState state, int q, int round, CancellationToken ct = default)
    {
        if (state.ReferenceAccuracy is null) return [SiteMask.All(state.SiteCount)];
        int words = state.Words, s = state.SiteCount;
        var gp = Surrogate(state, Options.Gp, round);
        var snap = gp.Snapshot();
        var ctx = Context(state, Options.Acquisition, round);
        var rng = new SplitMix64(RoundSeed(state.Config.Seed, round));

        int cap = Options.Candidates;
        var buf = new ulong[cap * words];
        int n = CandidateGenerator.Generate(state, buf, cap, ref rng);
        var f = new double[n];
        state.Objective.Evaluate(buf, n, f);
        var scored = Scorer.Shortlist(new ScoringRound(snap, ctx, buf, f, n, words, Options.Shortlist, state.ObservedHashes)
            { Training = Scorer is LocalScorer ? null : gp.Training() }, ct);
        ct.ThrowIfCancellationRequested();
        var shortlist = scored.Select(e => (Mask: buf.AsSpan(e.Index * words, words).ToArray(), e.F, e.Score)).ToList();
        // Local search from the best few, results join the shortlist.
        var extra = new List<(ulong[] Mask, double F)>();
        foreach (var start in shortlist.Take(Options.LocalStarts).ToArray())
            extra.Add(LocalSearch(state, snap, ctx, start.Mask, start.Score, Options.LocalSteps));
        foreach (var (m, fv) in extra) if (!shortlist.Any(x => x.Mask.AsSpan().SequenceEqual(m))) shortlist.Add((m, fv, 0));

        var picks = new List<SiteMask>();
        GaussianProcess? fantasy = null;
        for (int slot = 0; slot < q; slot++)
        {
            ct.ThrowIfCancellationRequested();
            var c = ctx;
            GpSnapshot sn = snap;
            if (slot > 0)
            {
                if (Options.Batch == BatchStrategy.Thompson) c = Context(state, AcquisitionKind.Thompson, round, slot);
                else sn = fantasy!.Snapshot();
            }
            int best = Best(state, sn, c, shortlist, picks);
            if (best < 0) break;
            var pick = shortlist[best].Mask;
            picks.Add(SiteMask.FromWords(s, pick));
            if (Options.Batch == BatchStrategy.KrigingBeliever)
            {
                fantasy ??= gp.Clone();
                fantasy.Add(pick, sn.Predict(pick).Mean);
            }
        }
        return picks;
    }

    /// <summary>Index of the best shortlist entry under (snapshot, context), excluding picks; when every score is 0,
    /// falls back to probability of feasibility, then to the lowest objective.</summary>
    private static int Best(StudyState state, GpSnapshot sn, AcquisitionContext c, List<(ulong[] Mask, double F, double Score)> list, List<SiteMask> picks)
    {
        int words = state.Words, n = list.Count;
        if (n == 0) return -1;
        var buf = new ulong[n * words]; var f = new double[n]; var sc = new double[n];
        for (int i = 0; i < n; i++) { list[i].Mask.CopyTo(buf, i * words); f[i] = list[i].F; }
        for (int pass = 0; pass < 2; pass++)
        {
            var cc = pass == 0 ? c : c with { Kind = AcquisitionKind.ProbabilityOfFeasibility };
            AcquisitionFunction.Score(sn, cc, buf, n, f, sc);
            int best = -1;
            for (int i = 0; i < n; i++)
            {
                if (Picked(picks, list[i].Mask)) continue;
                if (sc[i] <= 0) continue;
                if (best < 0 || sc[i] > sc[best] || (sc[i] == sc[best] && f[i] < f[best])) best = i;
            }
            if (best >= 0) return best;
        }
        int lowest = -1;
        for (int i = 0; i < n; i++)
            if (!Picked(picks, list[i].Mask) && (lowest < 0 || f[i] < f[lowest])) lowest = i;
        return lowest;
    }

    private static bool Picked(List<SiteMask> picks, ulong[] m)
    {
        foreach (var p in picks) if (p.Words.SequenceEqual(m)) return true;
        return false;
    }

    /// <summary>Steepest ascent over single flips and moves from <paramref name="start"/>; never steps onto an
    /// observed mask. Returns the end point and its objective value.</summary>
    public static (ulong[] Mask, double F) LocalSearch(StudyState state, GpSnapshot snap, AcquisitionContext ctx,
                                                       ulong[] start, double startScore, int maxSteps)
    {
        int words = state.Words, s = state.SiteCount;
        var cur = (ulong[])start.Clone();
        double curScore = startScore;
        int maxNb = s + s * s / 4 + 1;
        var nb = new ulong[maxNb * words]; var f = new double[maxNb]; var sc = new double[maxNb];
        for (int step = 0; step < maxSteps; step++)
        {
            int n = 0;
            for (int i = 0; i < s; i++)
            {
                var d = nb.AsSpan(n++ * words, words); cur.CopyTo(d); d[i >> 6] ^= 1UL << (i & 63);
            }
            for (int i = 0; i < s; i++)
            {
                if (!CandidateGenerator.Bit(cur, i)) continue;
                for (int j = 0; j < s && n < maxNb; j++)
                {
                    if (CandidateGenerator.Bit(cur, j)) continue;
                    var d = nb.AsSpan(n++ * words, words); cur.CopyTo(d);
                    d[i >> 6] ^= 1UL << (i & 63); d[j >> 6] ^= 1UL << (j & 63);
                }
            }
            state.Objective.Evaluate(nb, n, f);
            AcquisitionFunction.Score(snap, ctx, nb, n, f, sc);
            int best = -1;
            for (int i = 0; i < n; i++)
            {
                if (!(sc[i] > curScore) || (best >= 0 && sc[i] <= sc[best])) continue;
                if (state.IsObserved(nb.AsSpan(i * words, words))) continue;
                best = i;
            }
            if (best < 0) break;
            nb.AsSpan(best * words, words).CopyTo(cur);
            curScore = sc[best];
        }
        Span<double> fv = stackalloc double[1];
        state.Objective.Evaluate(cur, 1, fv);
        return (cur, fv[0]);
    }
}
