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

    public (SweepRow[] Rows, long[] Pareto) Evaluate(long first, int count)
    {
        var rows = new List<SweepRow>(count);
        long p = first, end = Math.Min(first + count, plan.TotalPoints);
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
            for (int i = 0; i < n; i++)
            {
                var m = c.Masks[from + i];
                rows.Add(new SweepRow(p + i, [time[i], cfg.Batch / time[i], energy[i], c.Area, m.Count], m.ToString()));
            }
            p += n;
        }
        var arr = rows.ToArray();
        return (arr, Pareto(arr));
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

    /// <summary>Point ids of the rows not dominated on (time, energy, area, active sites), all minimized.</summary>
    public static long[] Pareto(IReadOnlyList<SweepRow> rows)
    {
        var front = new List<long>();
        for (int i = 0; i < rows.Count; i++)
        {
            bool dominated = false;
            for (int j = 0; j < rows.Count && !dominated; j++)
                dominated = j != i && Dominates(rows[j].Fields, rows[i].Fields);
            if (!dominated) front.Add(rows[i].Point);
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
