using DeepTrain.Model.Pipeline;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Evaluation;

/// <summary>
/// Reference evaluator: the definition written out. Runs are formed explicitly from the active sites, each run's
/// makespan is Σt + (B−1)·max t over its stages, the forward run after the last active site joins the backward run
/// down to that site, and every active site adds its normalization cost. <see cref="MaskBatchEvaluator"/> is tested
/// against it.
/// </summary>
public sealed class ScalarEvaluator
{
    private readonly TrainingPipeline _p;

    public ScalarEvaluator(ModelTables tables) { Tables = tables; _p = tables.Pipeline; }

    public ModelTables Tables { get; }

    /// <summary>Time per batch for a packed mask (SiteMask word layout). Allocation-free.</summary>
    public double TimePerBatchSeconds(ReadOnlySpan<ulong> words)
    {
        var f = _p.ForwardSeconds; var b = _p.BackwardSeconds; var pos = _p.SitePositions;
        int s = pos.Length, w = f.Length, batch = _p.Batch;
        double t = 0;
        int prev = 0;
        for (int j = 0; j < s; j++)
        {
            if ((words[j >> 6] >> (j & 63) & 1UL) == 0) continue;
            int p = pos[j];
            double sf = 0, mf = 0, sb = 0, mb = 0;
            for (int i = prev; i < p; i++) { sf += f[i]; mf = Math.Max(mf, f[i]); sb += b[i]; mb = Math.Max(mb, b[i]); }
            t += TrainingPipeline.Makespan(sf, mf, batch) + TrainingPipeline.Makespan(sb, mb, batch) + Tables.SiteSeconds[j];
            prev = p;
        }
        double sj = 0, mj = 0;
        for (int i = prev; i < w; i++) { sj += f[i] + b[i]; mj = Math.Max(mj, Math.Max(f[i], b[i])); }
        t += TrainingPipeline.Makespan(sj, mj, batch);
        return t + _p.Update.Seconds;
    }

    public double TimePerBatchSeconds(SiteMask mask) => TimePerBatchSeconds(Check(mask).Words);

    /// <summary>Energy per image for a packed mask (needs the time for static power).</summary>
    public double EnergyPerImageJoules(ReadOnlySpan<ulong> words)
    {
        double t = TimePerBatchSeconds(words);
        double e = _p.FixedJoulesPerBatch + _p.StaticPowerWatts * t;
        for (int j = 0; j < Tables.SiteCount; j++)
            if ((words[j >> 6] >> (j & 63) & 1UL) != 0) e += Tables.SiteJoules[j];
        return e / _p.Batch;
    }

    private SiteMask Check(SiteMask mask)
    {
        if (mask.Length != Tables.SiteCount)
            throw new UserError($"mask has {mask.Length} sites but '{_p.Network.Name}' has {Tables.SiteCount}");
        return mask;
    }

    /// <summary>Full estimate with segments, active-site costs and the per-layer breakdown.</summary>
    public Estimate Evaluate(SiteMask mask)
    {
        Check(mask);
        var f = _p.ForwardSeconds; var b = _p.BackwardSeconds; var pos = _p.SitePositions;
        var maps = _p.Mapping.Layers;
        int w = f.Length, batch = _p.Batch;
        var segs = new List<Segment>();
        var backward = new List<Segment>();
        var sites = new List<ActiveSiteCost>();
        int prev = 0;
        double siteJ = 0;
        foreach (int j in mask.ActiveSites())
        {
            int p = pos[j];
            if (p > prev)
            {
                segs.Add(Run("forward", prev, p, f));
                backward.Add(Run("backward", prev, p, b));
            }
            var c = _p.Sites[j];
            sites.Add(new ActiveSiteCost(j, _p.Network.Layers[_p.Network.Sites[j].LayerIndex].Name, c.Seconds, c.NormUnitSeconds,
                                         c.TransferSeconds, c.SpillSeconds, c.Joules, c.SpillBytes));
            siteJ += c.Joules;
            prev = p;
        }
        if (prev < w)
        {
            double sj = 0, mj = 0;
            for (int i = prev; i < w; i++) { sj += f[i] + b[i]; mj = Math.Max(mj, Math.Max(f[i], b[i])); }
            segs.Add(new Segment("forward+backward", maps[prev].Name, maps[w - 1].Name, 2 * (w - prev), sj, mj,
                                 TrainingPipeline.Makespan(sj, mj, batch)));
        }
        backward.Reverse();
        segs.AddRange(backward);
        double t = TimePerBatchSeconds(mask.Words);
        var energy = new EnergyBreakdown(batch * _p.ComputeJoulesPerImage, batch * _p.InputJoulesPerImage, siteJ, _p.Update.Joules,
                                         _p.StaticPowerWatts * t);
        var layers = new List<LayerBreakdown>(w);
        double perCycle = _p.Totals.EnergyPerArrayCycleJoules * _p.Spec.InputCycles;
        for (int i = 0; i < w; i++)
        {
            var m = maps[i];
            layers.Add(new LayerBreakdown(m.Name, m.CrossbarsUsed, m.ReplicationForward, m.ReplicationBackward, m.ReplicationGradient,
                                          f[i], b[i], m.ArrayMvmsPerImage * perCycle));
        }
        return new Estimate
        {
            Network = _p.Network.Name, Arch = _p.Spec.Name, Batch = batch, Mask = mask.ToString(),
            TimePerBatchSeconds = t,
            EnergyPerImageJoules = energy.TotalJoules / batch,
            AreaMm2 = _p.AreaMm2, Chips = _p.Mapping.Chips,
            CrossbarsUsed = _p.Mapping.CrossbarsUsed, CrossbarsAvailable = _p.Mapping.CrossbarsAvailable,
            ActiveSites = mask.Count, WeightUpdateSeconds = _p.Update.Seconds, LifetimeBatches = _p.Update.LifetimeBatches,
            Energy = energy, Segments = segs, Sites = sites, Layers = layers,
        };
    }

    private Segment Run(string kind, int from, int to, double[] t)
    {
        double s = 0, m = 0;
        for (int i = from; i < to; i++) { s += t[i]; m = Math.Max(m, t[i]); }
        var maps = _p.Mapping.Layers;
        bool fwd = kind == "forward";
        return new Segment(kind, maps[fwd ? from : to - 1].Name, maps[fwd ? to - 1 : from].Name, to - from, s, m,
                           TrainingPipeline.Makespan(s, m, _p.Batch));
    }
}
