namespace DeepTrain.Reports.Data;

/// <summary>One block of a stacked bar: a pipeline run (segment), a layer-pass, or a per-site cost.</summary>
/// <param name="Label">What the block is, e.g. "run 2: conv5…conv9" (kept for tables and tooltips).</param>
/// <param name="Category">Colour/legend group, e.g. "pipeline run", "normalization units", "NoC transfer".</param>
/// <param name="Seconds">Time the block adds to the batch, in seconds.</param>
public sealed record BreakdownPart(string Label, string Category, double Seconds);

/// <summary>One stacked bar: a mask (or a layer) and its parts, bottom first.</summary>
public sealed record BreakdownBar(string Label, IReadOnlyList<BreakdownPart> Parts)
{
    public double TotalSeconds => Parts.Sum(p => p.Seconds);
}

/// <summary>
/// Per-segment (or per-layer) time stacks for several masks, e.g. the chosen mask vs all sites vs none.
/// Parts of one <see cref="BreakdownPart.Category"/> share a colour; <see cref="CategoryOrder"/> fixes legend order
/// (null = order of first appearance).
/// </summary>
public sealed record StackedBreakdown(
    string Title,
    IReadOnlyList<BreakdownBar> Bars,
    IReadOnlyList<string>? CategoryOrder = null,
    string Quantity = "Time per batch",
    string? Caption = null);
