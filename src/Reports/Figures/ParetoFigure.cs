using DeepTrain.Reports.Data;

namespace DeepTrain.Reports.Figures;

/// <summary>All sweep points and their Pareto front (line) over the two named axes. Points are grey, or, when they
/// belong to two or more groups (network and batch in a sweep), one colour and marker per group.</summary>
public static class ParetoFigure
{
    public const string PointsSeries = "sweep points";
    public const string FrontSeries = "Pareto front";
    /// <summary>Group name of points that carry none, when others do.</summary>
    public const string OtherGroup = "other";

    // The front is vermillion; groups take the other Okabe–Ito colours.
    private static readonly string[] GroupColours = Palette.Colours.Where(c => c != Palette.Vermillion).ToArray();

    /// <summary>Every sweep point of a figure built here: the one grey series, or all the group series.</summary>
    public static IEnumerable<Series> PointSeriesOf(Figure f) => f.Series.Where(s => s.Name != FrontSeries);

    public static Figure Build(ParetoScatter data, string name = "pareto")
    {
        var pts = data.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        var ux = AxisUnits.For(pts.Select(p => p.X), data.X.Unit);
        var uy = AxisUnits.For(pts.Select(p => p.Y), data.Y.Unit);
        var front = data.FrontIndices().Select(i => data.Points[i]).ToArray();
        var groups = pts.Select(p => p.Group ?? OtherGroup).Distinct().ToList();
        var series = new List<Series>();
        float size = pts.Length > 2000 ? 3 : 6;
        if (groups.Count < 2)
            series.Add(new Series
            {
                Name = PointsSeries, Kind = SeriesKind.Markers, Colour = Palette.Grey, Marker = MarkerKind.OpenCircle,
                MarkerSize = size, X = ux.Apply(pts.Select(p => p.X)), Y = uy.Apply(pts.Select(p => p.Y)),
            });
        else
            for (int g = 0; g < groups.Count; g++)
            {
                var gp = pts.Where(p => (p.Group ?? OtherGroup) == groups[g]).ToArray();
                series.Add(new Series
                {
                    Name = groups[g], Kind = SeriesKind.Markers, Colour = GroupColours[g % GroupColours.Length],
                    Marker = Palette.MarkerAt(g), MarkerSize = size, X = ux.Apply(gp.Select(p => p.X)), Y = uy.Apply(gp.Select(p => p.Y)),
                });
            }
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
