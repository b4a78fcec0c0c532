namespace DeepTrain.Reports.Data;

/// <summary>A named quantity with its unit: an SI base unit ("s", "J", "W") gets an engineering prefix on the axis;
/// anything else ("mm²", "images/s", "sites") is shown as is.</summary>
public sealed record Quantity(string Name, string Unit = "");

/// <summary>One sweep point on the two chosen axes. <paramref name="Group"/> (e.g. "resnet56, batch 64") colours the
/// point in the figure when the points have two or more groups.</summary>
public readonly record struct ScatterPoint(double X, double Y, string? Label = null, string? Group = null);

/// <summary>
/// Sweep points over two user-named axes, with their Pareto front (lower is better unless the Maximize flags say
/// otherwise).
/// </summary>
public sealed record ParetoScatter(
    Quantity X, Quantity Y, IReadOnlyList<ScatterPoint> Points,
    bool MaximizeX = false, bool MaximizeY = false, string Title = "")
{
    /// <summary>Indices of the non-dominated points, sorted by X. Non-finite points are ignored; duplicates keep one.</summary>
    public int[] FrontIndices()
    {
        var idx = Enumerable.Range(0, Points.Count)
            .Where(i => double.IsFinite(Points[i].X) && double.IsFinite(Points[i].Y)).ToArray();
        double sx = MaximizeX ? -1 : 1, sy = MaximizeY ? -1 : 1;
        // Sort by "better X" first, then better Y; sweep keeping strictly improving Y.
        Array.Sort(idx, (a, b) =>
        {
            int c = (sx * Points[a].X).CompareTo(sx * Points[b].X);
            return c != 0 ? c : (sy * Points[a].Y).CompareTo(sy * Points[b].Y);
        });
        var front = new List<int>();
        double bestY = double.PositiveInfinity;
        foreach (int i in idx)
        {
            double y = sy * Points[i].Y;
            if (y < bestY) { front.Add(i); bestY = y; }
        }
        front.Sort((a, b) => Points[a].X.CompareTo(Points[b].X));
        return front.ToArray();
    }
}
