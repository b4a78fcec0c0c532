using DeepTrain.Reports.Data;

namespace DeepTrain.Reports.Figures;

/// <summary>Time per batch versus active sites: exact front, evaluated masks (feasible ● / infeasible ×), chosen ★.</summary>
public static class SitesFrontFigure
{
    public const string FrontSeries = "fastest placement (exact)";
    public const string FeasibleSeries = "evaluated, feasible";
    public const string InfeasibleSeries = "evaluated, infeasible";
    public const string ChosenSeries = "chosen";

    public static Figure Build(SitesFront data, string name = "sites-front")
    {
        var all = data.Fastest.Select(p => p.SecondsPerBatch)
            .Concat(data.Evaluated.Select(e => e.SecondsPerBatch));
        if (data.Chosen is { } c0) all = all.Append(c0.SecondsPerBatch);
        var unit = DisplayUnit.For(all, "s");
        var series = new List<Series>();
        var front = data.Fastest.OrderBy(p => p.ActiveSites).ToArray();
        if (front.Length > 0)
            series.Add(new Series
            {
                Name = FrontSeries, Kind = SeriesKind.LineMarkers, Colour = Palette.Blue, Marker = MarkerKind.FilledCircle,
                MarkerSize = front.Length > 40 ? 4 : 6,
                X = front.Select(p => (double)p.ActiveSites).ToArray(), Y = unit.Apply(front.Select(p => p.SecondsPerBatch)),
            });
        void points(string label, bool feasible, string colour, MarkerKind m)
        {
            var pts = data.Evaluated.Where(e => e.Feasible == feasible).ToArray();
            if (pts.Length == 0) return;
            series.Add(new Series
            {
                Name = label, Kind = SeriesKind.Markers, Colour = colour, Marker = m, MarkerSize = 9,
                X = pts.Select(e => (double)e.ActiveSites).ToArray(), Y = unit.Apply(pts.Select(e => e.SecondsPerBatch)),
            });
        }
        points(FeasibleSeries, true, Palette.BluishGreen, MarkerKind.FilledCircle);
        points(InfeasibleSeries, false, Palette.Vermillion, MarkerKind.Cross);
        if (data.Chosen is { } c)
            series.Add(new Series
            {
                Name = ChosenSeries, Kind = SeriesKind.Markers, Colour = Palette.Orange, Marker = MarkerKind.Star, MarkerSize = 20,
                X = [c.ActiveSites], Y = [unit.Apply(c.SecondsPerBatch)],
            });
        string caption = $"{data.Network}: exact fastest time per batch for each number of active normalization sites";
        if (data.Evaluated.Count > 0)
            caption += $", with the {data.Evaluated.Count} masks the search evaluated ({data.Evaluated.Count(e => e.Feasible)} feasible)";
        if (data.Chosen is { } ch) caption += $"; chosen: {ch.ActiveSites} sites at {unit.Format(ch.SecondsPerBatch)}";
        return new Figure
        {
            Name = name,
            Title = $"{data.Network}: time per batch vs normalization sites",
            X = new AxisSpec("Active normalization sites", "count"),
            Y = new AxisSpec("Time per batch", unit.Unit),
            Series = series,
            IntegerX = true,
            YFromZero = true,
            Legend = LegendPlacement.LowerRight,
            Caption = caption + ".",
        };
    }
}
