using DeepTrain.Actors.Contracts;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Actors.Sweeps;

/// <summary>
/// Evaluates a range of sweep points with the model's vectorized <see cref="MaskBatchEvaluator"/> (one batch per
/// config block) and reduces the range to its Pareto front over (time, energy, area, active sites). Caches the
/// model tables per config. Pure model calls; the same code runs in one process and on cluster workers.
/// </summary>
public sealed class SweepEvaluator(SweepPlan plan)
{
    private readonly Dictionary<int, (ModelTables Tables, MaskBatchEvaluator Eval, IReadOnlyList<SiteMask> Masks, double Area)> _cache = new();

    public SweepPlan Plan => plan;

    /// <summary>Every row of points [first, first + count) and the points of their reduction (Pareto front ∪ the
    /// plan's top rows per metric, <see cref="ReducedIndices"/>).</summary>
    public (SweepRow[] Rows, long[] Pareto) Evaluate(long first, int count)
    {
        var (fields, masks) = Compute(first, count);
        var rows = new SweepRow[fields.Length];
        for (int i = 0; i < rows.Length; i++) rows[i] = new SweepRow(first + i, fields[i], masks[i].ToString());
        var front = ReducedIndices(fields, plan.Top);
        var points = new long[front.Length];
        for (int i = 0; i < front.Length; i++) points[i] = first + front[i];
        return (rows, points);
    }

    /// <summary>
    /// Only the reduced rows of points [first, first + count) (`--rows front`: Pareto front ∪ top rows per metric)
    /// and how many points were evaluated; masks are formatted for those rows only.
    /// </summary>
    public (SweepRow[] Front, int Points) EvaluateFront(long first, int count)
    {
        var (fields, masks) = Compute(first, count);
        var front = ReducedIndices(fields, plan.Top);
        var rows = new SweepRow[front.Length];
        for (int i = 0; i < front.Length; i++) rows[i] = new SweepRow(first + front[i], fields[front[i]], masks[front[i]].ToString());
        return (rows, fields.Length);
    }

    private (double[][] Fields, SiteMask[] Masks) Compute(long first, int count)
    {
        long p = first, end = Math.Min(first + count, plan.TotalPoints);
        var fields = new double[Math.Max(0, end - first)][];
        var masks = new SiteMask[fields.Length];
        while (p < end)
        {
            var cfg = plan.ConfigOf(p);
            var c = Tables(cfg);
            int from = (int)(p - cfg.FirstPoint), n = (int)Math.Min(end - p, cfg.Points - from);
            int words = c.Tables.WordsPerMask;
            var packed = new ulong[n * words];
            for (int i = 0; i < n; i++) c.Masks[from + i].Words.CopyTo(packed.AsSpan(i * words, words));
            var time = new double[n]; var energy = new double[n];
            c.Eval.Evaluate(packed, words, n, time, energy);
            int at = (int)(p - first);
            for (int i = 0; i < n; i++)
            {
                var m = c.Masks[from + i];
                fields[at + i] = [time[i], cfg.Batch / time[i], energy[i], c.Area, m.Count];
                masks[at + i] = m;
            }
            p += n;
        }
        return (fields, masks);
    }

    private (ModelTables Tables, MaskBatchEvaluator Eval, IReadOnlyList<SiteMask> Masks, double Area) Tables(SweepConfig cfg)
    {
        if (_cache.TryGetValue(cfg.Index, out var c)) return c;
        var t = ModelTables.Build(Zoo.Resolve(cfg.Network), ArchSpec.Parse(cfg.ArchJson, cfg.Arch), cfg.Batch);
        c = (t, new MaskBatchEvaluator(t), SweepPlan.Masks(cfg.Policy, t), t.Pipeline.AreaMm2);
        if (_cache.Count > 64) _cache.Clear();
        _cache[cfg.Index] = c;
        return c;
    }

    /// <summary>Point ids of the rows not dominated on (time, energy, area, active sites), all minimized, in row
    /// order. Rows with equal objectives do not dominate each other, so both stay.</summary>
    public static long[] Pareto(IReadOnlyList<SweepRow> rows)
    {
        var fields = new double[rows.Count][];
        for (int i = 0; i < fields.Length; i++) fields[i] = rows[i].Fields;
        var front = FrontIndices(fields);
        var points = new long[front.Length];
        for (int i = 0; i < front.Length; i++) points[i] = rows[front[i]].Point;
        return points;
    }

    /// <summary>Which way each of <see cref="SweepPlan.MetricColumns"/> is better: images/s up, the rest down.</summary>
    public static readonly bool[] Maximize = [false, true, false, false, false];

    /// <summary>
    /// Indices (ascending) of the rows that survive a chunk's reduction: the Pareto front plus, for each metric column,
    /// the <paramref name="top"/> best rows (ties: lower index, i.e. lower point). The reduction composes — reducing
    /// the union of reduced chunks gives the reduction of the whole sweep — so workers send only these rows.
    /// </summary>
    public static int[] ReducedIndices(double[][] fields, int top)
    {
        var keep = new SortedSet<int>(FrontIndices(fields));
        foreach (var list in TopIndices(fields, top)) keep.UnionWith(list);
        return keep.ToArray();
    }

    /// <summary>Per metric column, the indices of the <paramref name="top"/> best rows, best first.</summary>
    public static int[][] TopIndices(double[][] fields, int top)
    {
        var result = new int[SweepPlan.MetricColumns.Length][];
        for (int m = 0; m < result.Length; m++)
        {
            int col = m; bool max = Maximize[m];
            result[m] = Enumerable.Range(0, fields.Length)
                .OrderBy(i => max ? -fields[i][col] : fields[i][col]).ThenBy(i => i)
                .Take(top).ToArray();
        }
        return result;
    }

    /// <summary>The reduction (<see cref="ReducedIndices"/>) of rows in any order, as point ids; ties by point.</summary>
    public static long[] Reduce(IReadOnlyList<SweepRow> rows, int top)
    {
        var sorted = rows.OrderBy(r => r.Point).ToList();
        var fields = sorted.Select(r => r.Fields).ToArray();
        return ReducedIndices(fields, top).Select(i => sorted[i].Point).ToArray();
    }

    /// <summary>
    /// Indices of the non-dominated rows, ascending. Rows are visited in lexicographic order of the objectives: a
    /// dominator is lexicographically smaller, so a row needs checking only against the front found so far (if an
    /// earlier dominated row dominates it, so does that row's dominator). O(n log n + n·|front|).
    /// </summary>
    public static int[] FrontIndices(double[][] fields)
    {
        var order = new int[fields.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            foreach (var k in Objectives)
            {
                int c = fields[a][k].CompareTo(fields[b][k]);
                if (c != 0) return c;
            }
            return a.CompareTo(b);
        });
        var front = new List<int>();
        foreach (int i in order)
        {
            bool dominated = false;
            for (int j = 0; j < front.Count && !dominated; j++) dominated = Dominates(fields[front[j]], fields[i]);
            if (!dominated) front.Add(i);
        }
        var result = front.ToArray();
        Array.Sort(result);
        return result;
    }

    /// <summary>The reference definition (every pair compared), kept for tests of <see cref="FrontIndices"/>.</summary>
    public static int[] FrontIndicesByAllPairs(double[][] fields)
    {
        var front = new List<int>();
        for (int i = 0; i < fields.Length; i++)
        {
            bool dominated = false;
            for (int j = 0; j < fields.Length && !dominated; j++) dominated = j != i && Dominates(fields[j], fields[i]);
            if (!dominated) front.Add(i);
        }
        return front.ToArray();
    }

    private static readonly int[] Objectives = [0, 2, 3, 4];

    private static bool Dominates(double[] a, double[] b)
    {
        bool better = false;
        foreach (var k in Objectives)
        {
            if (a[k] > b[k]) return false;
            if (a[k] < b[k]) better = true;
        }
        return better;
    }
}
