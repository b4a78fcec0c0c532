using DeepTrain.Model.Evaluation;
using DeepTrain.Reports.Data;

namespace DeepTrain.Reports.Adapters;

/// <summary>
/// Thin adapters from the model's results (<see cref="Estimate"/>, <see cref="Placement"/>) to figure records.
/// No model arithmetic here: only regrouping of numbers the evaluators computed.
/// </summary>
public static class EstimateAdapters
{
    public const string RunCategory = "pipeline runs";
    public const string NormUnitCategory = "normalization units";
    public const string TransferCategory = "NoC transfer";
    public const string SpillCategory = "DRAM spill";
    public const string UpdateCategory = "weight update";

    public static readonly IReadOnlyList<string> Categories = [RunCategory, NormUnitCategory, TransferCategory, SpillCategory, UpdateCategory];

    /// <summary>One stacked bar: the pipeline runs (segments) bottom-up, then the active sites' NU / transfer / spill
    /// time summed per kind, then the weight update. The parts add up to <see cref="Estimate.TimePerBatchSeconds"/>.</summary>
    public static BreakdownBar ToBar(Estimate e, string label)
    {
        var parts = new List<BreakdownPart>();
        foreach (var s in e.Segments)
            parts.Add(new BreakdownPart($"{s.Kind} {s.FirstLayer}…{s.LastLayer}", RunCategory, s.MakespanSeconds));
        double nu = 0, tr = 0, sp = 0, other = 0;
        foreach (var c in e.Sites)
        {
            nu += c.NormUnitSeconds; tr += c.TransferSeconds; sp += c.SpillSeconds;
            other += c.Seconds - c.NormUnitSeconds - c.TransferSeconds - c.SpillSeconds;
        }
        if (e.Sites.Count > 0)
        {
            parts.Add(new BreakdownPart($"{e.Sites.Count} sites", NormUnitCategory, nu + Math.Max(0, other)));
            if (tr > 0) parts.Add(new BreakdownPart($"{e.Sites.Count} sites", TransferCategory, tr));
            if (sp > 0) parts.Add(new BreakdownPart($"{e.Sites.Count} sites", SpillCategory, sp));
        }
        if (e.WeightUpdateSeconds > 0) parts.Add(new BreakdownPart("weight update", UpdateCategory, e.WeightUpdateSeconds));
        return new BreakdownBar(label, parts);
    }

    public static StackedBreakdown ToBreakdown(string title, params (string Label, Estimate Estimate)[] bars) =>
        new(title, bars.Select(b => ToBar(b.Estimate, b.Label)).ToArray(), Categories);

    /// <summary>The placement DP's front as figure points.</summary>
    public static IReadOnlyList<FrontPoint> ToFront(IEnumerable<Placement> placements) =>
        placements.Select(p => new FrontPoint(p.K, p.TimePerBatchSeconds)).ToArray();

    /// <summary>Per weighted layer: forward and backward stage time per image (after replication), stacked.</summary>
    public static StackedBreakdown ToLayerStages(string title, Estimate e) =>
        new(title,
            e.Layers.Select(l => new BreakdownBar(l.Name,
                [new BreakdownPart(l.Name, "forward", l.ForwardSeconds), new BreakdownPart(l.Name, "backward", l.BackwardSeconds)])).ToArray(),
            ["forward", "backward"], "Stage time per image",
            $"Per-image stage time of each weighted layer, forward below backward; the slowest stage of a run sets its " +
            $"steady-state rate ((B−1)·max t).");
}
