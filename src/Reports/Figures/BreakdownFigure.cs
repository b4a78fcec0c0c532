using DeepTrain.Reports.Data;

namespace DeepTrain.Reports.Figures;

/// <summary>Stacked bars: one bar per mask, one colour per part category; parts stack bottom-up in the given order.</summary>
public static class BreakdownFigure
{
    public static Figure Build(StackedBreakdown data, string name = "breakdown")
    {
        if (data.Bars.Count == 0) throw new ArgumentException("breakdown has no bars");
        var unit = DisplayUnit.For(data.Bars.SelectMany(b => b.Parts).Select(p => p.Seconds)
                                       .Concat(data.Bars.Select(b => b.TotalSeconds)), "s");
        var categories = (data.CategoryOrder ?? []).ToList();
        foreach (var p in data.Bars.SelectMany(b => b.Parts))
            if (!categories.Contains(p.Category)) categories.Add(p.Category);

        var xs = categories.ToDictionary(c => c, _ => new List<double>());
        var tops = categories.ToDictionary(c => c, _ => new List<double>());
        var bases = categories.ToDictionary(c => c, _ => new List<double>());
        for (int b = 0; b < data.Bars.Count; b++)
        {
            double level = 0;
            foreach (var part in data.Bars[b].Parts)
            {
                double h = unit.Apply(Math.Max(0, part.Seconds));
                xs[part.Category].Add(b);
                bases[part.Category].Add(level);
                tops[part.Category].Add(level + h);
                level += h;
            }
        }
        var series = new List<Series>();
        for (int c = 0; c < categories.Count; c++)
        {
            string cat = categories[c];
            if (xs[cat].Count == 0) continue;
            series.Add(new Series
            {
                Name = cat, Kind = SeriesKind.Bars, X = xs[cat].ToArray(), Y = tops[cat].ToArray(),
                YBase = bases[cat].ToArray(), Colour = Palette.At(c), BarWidth = 0.6,
            });
        }
        return new Figure
        {
            Name = name,
            Title = data.Title,
            X = new AxisSpec(""),
            Y = new AxisSpec(data.Quantity, unit.Unit),
            Series = series,
            XTicks = data.Bars.Select((b, i) => new Tick(i, b.Label)).ToArray(),
            YFromZero = true,
            Legend = LegendPlacement.Right,
            Caption = data.Caption ?? ($"{data.Quantity} split into pipeline segments and per-site costs, bottom first" +
                      (data.Bars.Count <= 6 ? "; " + string.Join(", ", data.Bars.Select(b => $"{b.Label}: {unit.Format(b.TotalSeconds)}")) : "") + "."),
        };
    }
}
