using System.Globalization;

namespace DeepTrain.Model.Evaluation;

/// <summary>
/// The last check before an <see cref="Estimate"/> is shown: every figure, including the derived images/s and
/// average power, is a finite non-negative number (time per batch positive), or a <see cref="SpecError"/> names
/// the spec and the figure. Spec ranges (Hardware/SpecRanges) and the pipeline guard (Pipeline/ModelBounds) make
/// this unreachable for valid inputs; it stays so that no output ever carries NaN or ∞.
/// </summary>
public static class EstimateGuard
{
    public static Estimate Check(Estimate e)
    {
        string who = $"spec '{e.Arch}' with '{e.Network}' at batch {e.Batch}";
        if (!(e.TimePerBatchSeconds > 0) || !double.IsFinite(e.TimePerBatchSeconds))
            Bad(who, "timePerBatchSeconds", e.TimePerBatchSeconds);
        Check(who, "imagesPerSecond", e.ImagesPerSecond);
        Check(who, "energyPerImageJoules", e.EnergyPerImageJoules);
        Check(who, "averagePowerWatts", e.AveragePowerWatts);
        Check(who, "areaMm2", e.AreaMm2);
        Check(who, "weightUpdateSeconds", e.WeightUpdateSeconds);
        Check(who, "lifetimeBatches", e.LifetimeBatches);
        if (e.Chips < 1) Bad(who, "chips", e.Chips);
        if (e.CrossbarsUsed < 0 || e.CrossbarsAvailable < e.CrossbarsUsed) Bad(who, "crossbarsUsed", e.CrossbarsUsed);
        var en = e.Energy;
        Check(who, "energy.compute", en.ComputeJoules);
        Check(who, "energy.input", en.InputJoules);
        Check(who, "energy.sites", en.SiteJoules);
        Check(who, "energy.weightUpdate", en.WeightUpdateJoules);
        Check(who, "energy.static", en.StaticJoules);
        foreach (var s in e.Segments)
        {
            Check(who, "segment stage sum", s.StageSumSeconds);
            Check(who, "segment max stage", s.MaxStageSeconds);
            Check(who, "segment makespan", s.MakespanSeconds);
        }
        foreach (var s in e.Sites)
        {
            Check(who, "site seconds", s.Seconds);
            Check(who, "site joules", s.Joules);
            Check(who, "site spill bytes", s.SpillBytes);
        }
        foreach (var l in e.Layers)
        {
            if (l.Crossbars < 0) Bad(who, $"layer '{l.Name}' crossbars", l.Crossbars);
            Check(who, $"layer '{l.Name}' forward seconds", l.ForwardSeconds);
            Check(who, $"layer '{l.Name}' backward seconds", l.BackwardSeconds);
            Check(who, $"layer '{l.Name}' compute joules", l.ComputeJoulesPerImage);
        }
        return e;
    }

    /// <summary>Non-negative and finite, or a <see cref="SpecError"/> naming <paramref name="who"/> and the figure.</summary>
    public static void Check(string who, string figure, double v)
    {
        if (!double.IsFinite(v) || v < 0) Bad(who, figure, v);
    }

    private static void Bad(string who, string figure, double v) =>
        throw new SpecError(string.Create(CultureInfo.InvariantCulture, $"{who}: {figure} comes out as {v:G4}, not a finite non-negative number; the spec's values are out of the model's range"));
}
