using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Evaluation;

/// <summary>The fastest placement of exactly <see cref="K"/> active sites.</summary>
public sealed record Placement(int K, double TimePerBatchSeconds, SiteMask Mask);

/// <summary>
/// Exact dynamic program for the hardware Pareto front (sites vs time).
/// <para><b>Recurrence.</b> With active sites a1 &lt; … &lt; ak the variable cost is
/// head(a1) + Σ pair(ai, ai+1) + tail(ak) + Σ site(ai), where (gaps as in <see cref="ModelTables"/>)
/// head(b) = (B−1)·(maxF(gaps 0..b) + maxB(gaps 0..b)), pair(a,b) = (B−1)·(maxF(gaps a+1..b) + maxB(gaps a+1..b)),
/// tail(a) = (B−1)·max(maxF, maxB over gaps a+1..S), site(b) = its normalization seconds; k = 0 is the single joined
/// run. dp[1][b] = head(b) + site(b); dp[k][b] = site(b) + min over a &lt; b of V_b(a), V_b(a) = dp[k−1][a] + pair(a,b);
/// best(k) = min over b of dp[k][b] + tail(b).</para>
/// <para><b>Why not a monotone-argmin speed-up.</b> A range maximum w(a,b) is anti-Monge
/// (w(a,c) + w(b,d) ≥ w(a,d) + w(b,c) for a ≤ b ≤ c ≤ d), so the optimal a is not monotone in b and Knuth/SMAWK do
/// not apply. Instead the inner minimum is maintained incrementally over b.</para>
/// <para><b>Algorithm per layer k.</b> Sweep b upward. Going from b−1 to b, candidate a = b−1 enters with
/// V(a) = dp[k−1][a] + (B−1)·(gf[b] + gb[b]), and every older candidate's gap range a+1..b grows by gap b, so its
/// maxF becomes max(maxF, gf[b]) (maxB likewise). The distinct values of maxF(a+1..b) over a form a non-increasing
/// staircase in a; a monotone stack holds its steps (first a of the step, value). Adding gap b pops every step whose
/// value is below gf[b] — each popped step is a contiguous range of a whose V rises by (B−1)·(gf[b] − value) — and
/// pushes one merged step. The same for the backward maxima. V is kept in a segment tree (range add, min over all,
/// argmin by descent; tags are not pushed down: a node holds min of its children plus its own tag). Not-yet-entered
/// candidates hold +∞, as do the a with dp[k−1][a] = +∞ (fewer than k−1 sites before them).</para>
/// <para><b>Complexity.</b> Each a is pushed once per stack per layer and popped at most once, so a layer does O(S)
/// range adds, O(S) leaf sets and O(S) argmin descents, each O(log S): O(S log S) per k, O(S² log S) for all k
/// (the previous reference, <see cref="PlacementDpCubic"/>, scans every a for every b: O(S²) per k, O(S³) in all).
/// At zoo sizes (S ≤ ~160) the tree's constant loses to a plain scan, so each layer first runs the scan with an
/// exact lower-bound break (<see cref="ScanLayer"/>, 6–11× faster than the unpruned scan on resnet56–152) under a
/// budget of 8·S·⌈log2 S⌉ candidate visits, and only a layer that exceeds it is redone with the tree. A layer
/// therefore costs at most budget + O(S log S) = O(S log S) whichever path finishes it, and the whole front
/// O(S² log S) ⊂ O(S²·k) for k ≥ log S.
/// Reconstruction of the k masks is O(S²) in all; memory O(S²) for the parent pointers. The value reported for the
/// chosen a is recomputed as dp[k−1][a] + (B−1)·(maxF + maxB), the reference's own expression, so the segment tree's
/// accumulated rounding only affects which of two near-equal candidates is chosen (ties: the larger a, as in the
/// reference).</para>
/// </summary>
public static class PlacementDp
{
    public static IReadOnlyList<Placement> Solve(ModelTables t) => Solve(t, -1);

    /// <summary><paramref name="scanBudget"/>: candidate visits the pruned scan may spend on one layer before that
    /// layer is redone with the segment tree; −1 = the default 8·S·⌈log2 S⌉ (tests pass 0 to force the tree and
    /// <see cref="long.MaxValue"/> to force the scan).</summary>
    internal static IReadOnlyList<Placement> Solve(ModelTables t, long scanBudget)
    {
        int s = t.SiteCount;
        double bm1 = t.BatchMinusOne;
        var gf = t.GapMaxForward; var gb = t.GapMaxBackward;
        var result = new List<Placement>(s + 1);
        double allF = 0, allB = 0;
        for (int g = 0; g <= s; g++) { allF = Math.Max(allF, gf[g]); allB = Math.Max(allB, gb[g]); }
        result.Add(new Placement(0, t.FixedSeconds + bm1 * Math.Max(allF, allB), SiteMask.None(s)));
        if (s == 0) return result;
        if (scanBudget < 0) { int lg = 1; while ((1 << lg) < s) lg++; scanBudget = 8L * s * lg; }
        // tail[a]: cost of the joined run after site a.
        var tail = new double[s];
        double tf = gf[s], tb = gb[s];
        for (int a = s - 1; a >= 0; a--) { tail[a] = bm1 * Math.Max(tf, tb); tf = Math.Max(tf, gf[a]); tb = Math.Max(tb, gb[a]); }
        var prev = new double[s]; var cur = new double[s]; var pmin = new double[s];
        var parent = new int[(s + 1) * s];
        double hf = 0, hb = 0;
        for (int b = 0; b < s; b++)
        {
            hf = Math.Max(hf, gf[b]); hb = Math.Max(hb, gb[b]);
            prev[b] = bm1 * (hf + hb) + t.SiteSeconds[b];
            parent[s + b] = -1;
        }
        MinTree? tree = null;
        var fStart = new int[s]; var fVal = new double[s];
        var bStart = new int[s]; var bVal = new double[s];
        for (int k = 1; k <= s; k++)
        {
            if (k > 1)
            {
                var par = parent.AsSpan(k * s, s);
                for (int b = 0; b < k - 1; b++) { cur[b] = double.PositiveInfinity; par[b] = -1; }
                if (!ScanLayer(t, k, prev, cur, pmin, par, scanBudget))
                    TreeLayer(t, k, prev, cur, par, tree ??= new MinTree(s), fStart, fVal, bStart, bVal);
                (prev, cur) = (cur, prev);
            }
            double bestK = double.PositiveInfinity; int last = -1;
            for (int b = k - 1; b < s; b++)
            {
                double c = prev[b] + tail[b];
                if (c < bestK) { bestK = c; last = b; }
            }
            var idx = new List<int>(k);
            for (int kk = k, b = last; kk >= 1; kk--) { idx.Add(b); b = parent[kk * s + b]; }
            result.Add(new Placement(k, t.FixedSeconds + bestK, SiteMask.FromIndices(s, idx)));
        }
        return result;
    }

    /// <summary>Layer k by scanning a = b−1 downward with a lower-bound break: maxF and maxB only grow as a falls,
    /// and pmin[a] = min of dp[k−1] over k−2..a bounds every remaining candidate, so once pmin[a] + (B−1)(maxF+maxB)
    /// ≥ best no remaining a can win (or tie-win: ties keep the larger a). Exact; gives up (false) after
    /// <paramref name="budget"/> candidate visits.</summary>
    private static bool ScanLayer(ModelTables t, int k, double[] prev, double[] cur, double[] pmin, Span<int> par, long budget)
    {
        int s = t.SiteCount;
        double bm1 = t.BatchMinusOne;
        var gf = t.GapMaxForward; var gb = t.GapMaxBackward;
        double run = double.PositiveInfinity;
        for (int a = k - 2; a < s; a++) { run = Math.Min(run, prev[a]); pmin[a] = run; }
        long visits = 0;
        for (int b = k - 1; b < s; b++)
        {
            double best = double.PositiveInfinity; int arg = -1;
            double pf = 0, pb = 0;
            for (int a = b - 1; a >= k - 2; a--)
            {
                pf = Math.Max(pf, gf[a + 1]); pb = Math.Max(pb, gb[a + 1]);
                double inc = bm1 * (pf + pb);
                if (pmin[a] + inc >= best) break;
                double c = prev[a] + inc;
                if (c < best) { best = c; arg = a; }
                visits++;
            }
            if (visits > budget) return false;
            cur[b] = arg < 0 ? double.PositiveInfinity : best + t.SiteSeconds[b];
            par[b] = arg;
        }
        return true;
    }

    /// <summary>Layer k with monotone stacks and the segment tree (see the class remarks): O(S log S).</summary>
    private static void TreeLayer(ModelTables t, int k, double[] prev, double[] cur, Span<int> par, MinTree tree,
                                  int[] fStart, double[] fVal, int[] bStart, double[] bVal)
    {
        int s = t.SiteCount;
        double bm1 = t.BatchMinusOne;
        var gf = t.GapMaxForward; var gb = t.GapMaxBackward;
        tree.Reset();
        int fTop = 0, bTop = 0;
        for (int b = k - 1; b < s; b++)
        {
            int a = b - 1; // enters now; a >= k-2 so dp[k-1][a] may be finite
            tree.Set(a, prev[a]);
            fStart[fTop] = a; fVal[fTop++] = 0;
            bStart[bTop] = a; bVal[bTop++] = 0;
            fTop = Raise(tree, fStart, fVal, fTop, gf[b], b - 1, bm1);
            bTop = Raise(tree, bStart, bVal, bTop, gb[b], b - 1, bm1);
            int arg = tree.ArgMin(out double min);
            if (double.IsPositiveInfinity(min)) { cur[b] = double.PositiveInfinity; par[b] = -1; continue; }
            double pf = fVal[StepOf(fStart, fTop, arg)], pb = bVal[StepOf(bStart, bTop, arg)];
            cur[b] = prev[arg] + bm1 * (pf + pb) + t.SiteSeconds[b];
            par[b] = arg;
        }
    }

    /// <summary>Adds a gap of maximum g to every candidate a ≤ end: pops the steps below g, raising their V, and pushes
    /// one merged step. Returns the new stack height.</summary>
    private static int Raise(MinTree tree, int[] start, double[] val, int top, double g, int end, double bm1)
    {
        if (top == 0 || val[top - 1] >= g) return top;
        int first = end;
        while (top > 0 && val[top - 1] < g)
        {
            top--;
            first = start[top];
            double d = bm1 * (g - val[top]);
            if (d != 0) tree.Add(first, end, d);
            end = first - 1;
        }
        start[top] = first; val[top] = g;
        return top + 1;
    }

    /// <summary>The stack step holding candidate a: the last step whose first candidate is ≤ a.</summary>
    private static int StepOf(int[] start, int top, int a)
    {
        int lo = 0, hi = top - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (start[mid] <= a) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Segment tree over candidates: range add, minimum over all, argmin (ties: the larger index). Tags are
    /// never pushed down; node value = min(children) + own tag, so the root is the true minimum.</summary>
    private sealed class MinTree
    {
        private readonly int _n;
        private readonly double[] _min;
        private readonly double[] _tag;

        public MinTree(int count)
        {
            _n = 1; while (_n < count) _n <<= 1;
            _min = new double[2 * _n]; _tag = new double[_n];
        }

        public void Reset() { Array.Fill(_min, double.PositiveInfinity); Array.Clear(_tag); }

        /// <summary>Sets leaf i. Valid only while no tag covers i (candidates enter before any add reaches them).</summary>
        public void Set(int i, double v) { i += _n; _min[i] = v; Pull(i); }

        public void Add(int l, int r, double v)
        {
            l += _n; r += _n;
            int l0 = l, r0 = r;
            while (l <= r)
            {
                if ((l & 1) == 1) Apply(l++, v);
                if ((r & 1) == 0) Apply(r--, v);
                l >>= 1; r >>= 1;
            }
            Pull(l0); Pull(r0);
        }

        public int ArgMin(out double min)
        {
            min = _min[1];
            int node = 1;
            while (node < _n) { int l = node << 1; node = _min[l + 1] <= _min[l] ? l + 1 : l; }
            return node - _n;
        }

        private void Apply(int i, double v) { _min[i] += v; if (i < _n) _tag[i] += v; }

        private void Pull(int i)
        {
            for (i >>= 1; i >= 1; i >>= 1) _min[i] = Math.Min(_min[2 * i], _min[2 * i + 1]) + _tag[i];
        }
    }
}
