using DeepTrain.Reports.Data;

namespace DeepTrain.Reports.Figures;

/// <summary>All sweep points (grey) and their Pareto front (line) over the two named axes.</summary>
public static class ParetoFigure
{
    public const string PointsSeries = "sweep points";
    public const string FrontSeries = "Pareto front";

    public static Figure Build(ParetoScatter data, string name = "pareto")
    {
        var pts = data.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        var ux = AxisUnits.For(pts.Select(p => p.X), data.X.Unit);
        var uy = AxisUnits.For(pts.Select(p => p.Y), data.Y.Unit);
        var front = data.FrontIndices().Select(i => data.Points[i]).ToArray();
        var series = new List<Series>
        {
            new()
            {
                Name = PointsSeries, Kind = SeriesKind.Markers, Colour = Palette.Grey, Marker = MarkerKind.OpenCircle,
                MarkerSize = pts.Length > 2000 ? 3 : 6, X = ux.Apply(pts.Select(p => p.X)), Y = uy.Apply(pts.Select(p => p.Y)),
            },
        };
        if (front.Length > 0)
            series.Add(new Series
            {
                Name = FrontSeries, Kind = SeriesKind.LineMarkers, Colour = Palette.Vermillion, Marker = MarkerKind.FilledDiamond,
                MarkerSize = 8, X = ux.Apply(front.Select(p => p.X)), Y = uy.Apply(front.Select(p => p.Y)),
            });
        string dir(bool max) => max ? "higher" : "lower";
        return new Figure
        {
            Name = name,
            Title = string.IsNullOrEmpty(data.Title) ? $"{data.Y.Name} vs {data.X.Name}" : data.Title,
            X = new AxisSpec(data.X.Name, ux.Unit),
            Y = new AxisSpec(data.Y.Name, uy.Unit),
            Series = series,
            Legend = LegendPlacement.UpperRight,
            Caption = $"{pts.Length} points; {front.Length} on the Pareto front ({dir(data.MaximizeX)} {data.X.Name} and " +
                      $"{dir(data.MaximizeY)} {data.Y.Name} are better).",
        };
    }
}
