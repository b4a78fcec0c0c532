using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Evaluation;

/// <summary>
/// The previous O(S³) placement DP, kept as the reference <see cref="PlacementDp"/> is tested and benchmarked against.
/// Exact dynamic program for the hardware Pareto front (sites vs time). With active sites a1 &lt; … &lt; ak the
/// variable cost is head(a1) + Σ pair(ai, ai+1) + tail(ak) + Σ site(ai), where (gaps as in <see cref="ModelTables"/>)
/// head(b) = (B−1)·(maxF(gaps 0..b) + maxB(gaps 0..b)), pair(a,b) = (B−1)·(maxF + maxB over gaps a+1..b),
/// tail(a) = (B−1)·max(maxF, maxB over gaps a+1..S), site(b) = its normalization seconds; k = 0 is the single joined
/// run. dp[k][b] = min over a &lt; b of dp[k−1][a] + pair(a,b) + site(b). O(S³) time, O(S²) memory.
/// </summary>
internal static class PlacementDpCubic
{
    public static IReadOnlyList<Placement> Solve(ModelTables t)
    {
        int s = t.SiteCount;
        double bm1 = t.BatchMinusOne;
        var gf = t.GapMaxForward; var gb = t.GapMaxBackward;
        var result = new List<Placement>(s + 1);
        double allF = 0, allB = 0;
        for (int g = 0; g <= s; g++) { allF = Math.Max(allF, gf[g]); allB = Math.Max(allB, gb[g]); }
        result.Add(new Placement(0, t.FixedSeconds + bm1 * Math.Max(allF, allB), SiteMask.None(s)));
        if (s == 0) return result;
        // tail[a]: cost of the joined run after site a.
        var tail = new double[s];
        double tf = gf[s], tb = gb[s];
        for (int a = s - 1; a >= 0; a--) { tail[a] = bm1 * Math.Max(tf, tb); tf = Math.Max(tf, gf[a]); tb = Math.Max(tb, gb[a]); }
        var prev = new double[s]; var cur = new double[s];
        var parent = new int[(s + 1) * s];
        double hf = 0, hb = 0;
        for (int b = 0; b < s; b++)
        {
            hf = Math.Max(hf, gf[b]); hb = Math.Max(hb, gb[b]);
            prev[b] = bm1 * (hf + hb) + t.SiteSeconds[b];
            parent[s + b] = -1;
        }
        for (int k = 1; k <= s; k++)
        {
            if (k > 1)
            {
                for (int b = 0; b < s; b++)
                {
                    double best = double.PositiveInfinity; int arg = -1;
                    double pf = 0, pb = 0;
                    for (int a = b - 1; a >= k - 2; a--)
                    {
                        pf = Math.Max(pf, gf[a + 1]); pb = Math.Max(pb, gb[a + 1]);
                        double c = prev[a] + bm1 * (pf + pb);
                        if (c < best) { best = c; arg = a; }
                    }
                    cur[b] = arg < 0 ? double.PositiveInfinity : best + t.SiteSeconds[b];
                    parent[k * s + b] = arg;
                }
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
}
