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
    /// <summary>Trust region around the incumbent (combinatorial TuRBO / CASMOPOLITAN style): candidates lie within a
    /// Hamming radius of the incumbent that doubles after a round that improved f_best and halves after two rounds
    /// that did not (docs/SEARCH.md "Trust region"). False: candidates from the whole space, as before.</summary>
    public bool TrustRegion { get; init; } = true;
    /// <summary>Initial radius as a fraction of the sites.</summary>
    public double TrustInitialFraction { get; init; } = 0.25;
    /// <summary>A proposal needs at least this posterior probability of feasibility; when no candidate has it, even
    /// over the whole space, the method proposes nothing and the study stops (no call on a mask the model gives no
    /// real chance, e.g. a (k−1)-site mask next to a proven k-site optimum).</summary>
    public double MinFeasibility { get; init; } = 0;
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
        var centre = state.Incumbent?.Mask.Words.ToArray();
        int radius = Options.TrustRegion && centre is not null ? TrustRadius(state, Options.TrustInitialFraction) : s;
        var picks = ProposeWithin(state, q, round, gp, snap, ctx, buf, centre, radius, ref rng, ct);
        if (picks.Count == 0 && radius < s)
        {
            rng = new SplitMix64(RoundSeed(state.Config.Seed, round) ^ 0x7A7AUL);
            picks = ProposeWithin(state, q, round, gp, snap, ctx, buf, centre, s, ref rng, ct);
        }
        return picks;
    }

    /// <summary>Trust-region radius for the next round, replayed from the observations (so the proposer stays a
    /// function of the state): r₀ = max(1, ⌈fraction·S⌉); a round whose observations lower f_best doubles it (≤ S),
    /// two rounds in a row that do not halve it (≥ 1).</summary>
    public static int TrustRadius(StudyState state, double fraction)
    {
        int s = state.SiteCount;
        int r = Math.Max(1, (int)Math.Ceiling(fraction * s)), fails = 0;
        double best = double.PositiveInfinity;
        int round = -1; bool improved = false;
        foreach (var o in state.Observations)
        {
            if (o.Round != round)
            {
                if (round >= 1) Step(ref r, ref fails, improved, s);
                round = o.Round; improved = false;
            }
            bool feasible = o.AccuracyPercent is double a && a >= state.Threshold;
            if (o.IsReference) { if (o.Succeeded) best = Math.Min(best, o.Objective); continue; }
            if (feasible && o.Objective < best) { best = o.Objective; improved = true; }
        }
        if (round >= 1) Step(ref r, ref fails, improved, s);
        return r;

        static void Step(ref int r, ref int fails, bool improved, int s)
        {
            if (improved) { r = Math.Min(s, 2 * r); fails = 0; }
            else if (++fails >= 2) { r = Math.Max(1, r / 2); fails = 0; }
        }
    }

    private static int Distance(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        int d = 0;
        for (int i = 0; i < a.Length; i++) d += System.Numerics.BitOperations.PopCount(a[i] ^ b[i]);
        return d;
    }

    private List<SiteMask> ProposeWithin(StudyState state, int q, int round, GaussianProcess gp, GpSnapshot snap, AcquisitionContext ctx,
                                         ulong[] buf, ulong[]? centre, int radius, ref SplitMix64 rng, CancellationToken ct)
    {
        int words = state.Words, s = state.SiteCount, cap = Options.Candidates;
        int n;
        if (centre is null || radius >= s) n = CandidateGenerator.Generate(state, buf, cap, ref rng);
        else
        {
            // Structured candidates (seeds, drop/add/move around feasible masks) inside the region, then random flips
            // of 1..radius sites of the incumbent.
            int g = CandidateGenerator.Generate(state, buf, cap, ref rng, randomFill: false);
            n = 0;
            for (int i = 0; i < g; i++)
                if (Distance(buf.AsSpan(i * words, words), centre) <= Math.Max(radius, 2))
                    buf.AsSpan(i * words, words).CopyTo(buf.AsSpan(n++ * words, words));
            while (n < cap) CandidateGenerator.FlipMask(buf.AsSpan(n++ * words, words), centre, s, 1 + rng.Next(radius), ref rng);
        }
        var f = new double[n];
        state.Objective.Evaluate(buf, n, f);
        // Thompson: shortlist by the known objective screen + optimistic feasibility (UCB), then joint draws below.
        var screen = ctx.Kind == AcquisitionKind.Thompson ? ctx with { Kind = AcquisitionKind.Ucb } : ctx;
        var scored = Scorer.Shortlist(new ScoringRound(snap, screen, buf, f, n, words, Options.Shortlist, state.ObservedHashes)
            { Training = Scorer is LocalScorer ? null : gp.Training() }, ct);
        ct.ThrowIfCancellationRequested();
        var shortlist = scored.Select(e => (Mask: buf.AsSpan(e.Index * words, words).ToArray(), e.F, e.Score)).ToList();
        // Local search from the best few, results join the shortlist.
        var extra = new List<(ulong[] Mask, double F)>();
        foreach (var start in shortlist.Take(Options.LocalStarts).ToArray())
            extra.Add(LocalSearch(state, snap, screen, start.Mask, start.Score, Options.LocalSteps, centre, Math.Max(radius, 2)));
        foreach (var (m, fv) in extra) if (!shortlist.Any(x => x.Mask.AsSpan().SequenceEqual(m))) shortlist.Add((m, fv, 0));

        var picks = new List<SiteMask>();
        GaussianProcess? fantasy = null;
        JointShortlist? joint = null;
        for (int slot = 0; slot < q; slot++)
        {
            ct.ThrowIfCancellationRequested();
            var c = ctx;
            GpSnapshot sn = snap;
            if (ctx.Kind == AcquisitionKind.Thompson) c = Context(state, AcquisitionKind.Thompson, round, slot);
            else if (slot > 0)
            {
                if (Options.Batch == BatchStrategy.Thompson) c = Context(state, AcquisitionKind.Thompson, round, slot);
                else sn = fantasy!.Snapshot();
            }
            int best;
            if (c.Kind == AcquisitionKind.Thompson)
            {
                // One joint posterior draw over the shortlist per slot (fresh seed per slot), on the engine.
                joint ??= new JointShortlist(snap, shortlist, words);
                best = joint.Pick(c.ThompsonSeed, state.Threshold, shortlist, picks);
            }
            else best = Best(state, sn, c, shortlist, picks, Options.MinFeasibility);
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
    private static int Best(StudyState state, GpSnapshot sn, AcquisitionContext c, List<(ulong[] Mask, double F, double Score)> list,
                            List<SiteMask> picks, double minFeasibility)
    {
        int words = state.Words, n = list.Count;
        if (n == 0) return -1;
        var buf = new ulong[n * words]; var f = new double[n]; var sc = new double[n]; var pf = new double[n];
        for (int i = 0; i < n; i++) { list[i].Mask.CopyTo(buf, i * words); f[i] = list[i].F; }
        AcquisitionFunction.Score(sn, c with { Kind = AcquisitionKind.ProbabilityOfFeasibility }, buf, n, f, pf);
        for (int pass = 0; pass < 2; pass++)
        {
            var cc = pass == 0 ? c : c with { Kind = AcquisitionKind.ProbabilityOfFeasibility };
            if (pass == 0) AcquisitionFunction.Score(sn, cc, buf, n, f, sc); else pf.CopyTo(sc, 0);
            int best = -1;
            for (int i = 0; i < n; i++)
            {
                if (Picked(picks, list[i].Mask)) continue;
                if (sc[i] <= 0 || pf[i] < minFeasibility) continue;
                if (best < 0 || sc[i] > sc[best] || (sc[i] == sc[best] && f[i] < f[best])) best = i;
            }
            if (best >= 0) return best;
        }
        if (minFeasibility > 0) return -1;
        int lowest = -1;
        for (int i = 0; i < n; i++)
            if (!Picked(picks, list[i].Mask) && (lowest < 0 || f[i] < f[lowest])) lowest = i;
        return lowest;
    }

    /// <summary>Posterior mean and joint covariance of a round's shortlist, factored once, drawn from per slot.</summary>
    private sealed class JointShortlist
    {
        private readonly double[] _mean, _l, _f;
        private readonly int _m;

        public JointShortlist(GpSnapshot snap, List<(ulong[] Mask, double F, double Score)> list, int words)
        {
            _m = list.Count;
            var buf = new ulong[_m * words];
            _f = new double[_m];
            for (int i = 0; i < _m; i++) { list[i].Mask.CopyTo(buf, i * words); _f[i] = list[i].F; }
            double[] cov;
            (_mean, cov) = ThompsonSampling.Posterior(snap, buf, _m);
            _l = ThompsonSampling.Factor(cov, _m);
        }

        public int Pick(ulong seed, double threshold, List<(ulong[] Mask, double F, double Score)> list, List<SiteMask> picks)
        {
            if (_m == 0) return -1;
            var draw = ThompsonSampling.DrawFactored(_mean, _l, _m, seed);
            var excluded = new bool[_m];
            for (int i = 0; i < _m; i++) excluded[i] = Picked(picks, list[i].Mask);
            return ThompsonSampling.Pick(draw, _f, threshold, excluded);
        }
    }

    private static bool Picked(List<SiteMask> picks, ulong[] m)
    {
        foreach (var p in picks) if (p.Words.SequenceEqual(m)) return true;
        return false;
    }

    /// <summary>Steepest ascent over single flips and moves from <paramref name="start"/>; never steps onto an
    /// observed mask. Returns the end point and its objective value.</summary>
    public static (ulong[] Mask, double F) LocalSearch(StudyState state, GpSnapshot snap, AcquisitionContext ctx,
                                                       ulong[] start, double startScore, int maxSteps,
                                                       ulong[]? centre = null, int radius = int.MaxValue)
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
                if (centre is not null && radius < s && Distance(nb.AsSpan(i * words, words), centre) > radius) continue;
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
