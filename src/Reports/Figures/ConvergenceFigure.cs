using DeepTrain.Reports.Data;

namespace DeepTrain.Reports.Figures;

/// <summary>
/// Best feasible objective versus oracle calls: per method the median over seeds (line) and the min–max over seeds
/// (band, only with two or more seeds). At call i only runs that reached call i and found a feasible mask count.
/// </summary>
public static class ConvergenceFigure
{
    public static string BandName(string method) => $"{method} (min–max over seeds)";

    public static Figure Build(Convergence data, string name = "convergence")
    {
        if (data.Runs.Count == 0) throw new ArgumentException("convergence has no runs");
        var methods = data.Runs.Select(r => r.Method).Distinct().ToList();
        var traces = data.Runs.Select(r => (r.Method, Best: r.BestSoFar())).ToList();
        var allValues = traces.SelectMany(t => t.Best).ToList();
        if (data.ReferenceObjective is { } refv) allValues.Add(refv);
        var unit = AxisUnits.For(allValues, data.ObjectiveUnit);

        var series = new List<Series>();
        for (int m = 0; m < methods.Count; m++)
        {
            var runs = traces.Where(t => t.Method == methods[m]).Select(t => t.Best).ToArray();
            int n = runs.Max(r => r.Length);
            var x = new List<double>(); var med = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            for (int i = 0; i < n; i++)
            {
                var v = runs.Where(r => i < r.Length && double.IsFinite(r[i])).Select(r => r[i]).OrderBy(d => d).ToArray();
                if (v.Length == 0) continue;
                x.Add(i + 1);
                med.Add(unit.Apply(Median(v)));
                lo.Add(unit.Apply(v[0]));
                hi.Add(unit.Apply(v[^1]));
            }
            if (x.Count == 0) continue;
            string colour = Palette.At(m);
            if (runs.Length > 1)
                series.Add(new Series
                {
                    Name = BandName(methods[m]), Kind = SeriesKind.Band, X = x.ToArray(), Y = hi.ToArray(), YBase = lo.ToArray(),
                    Colour = Palette.WithAlpha(colour, 0x40), InLegend = false, Step = true,
                });
            series.Add(new Series
            {
                Name = runs.Length > 1 ? $"{methods[m]} (median of {runs.Length})" : methods[m],
                Kind = x.Count <= 40 ? SeriesKind.LineMarkers : SeriesKind.Line,
                X = x.ToArray(), Y = med.ToArray(), Colour = colour, Marker = Palette.MarkerAt(m), MarkerSize = 7,
                Dashed = m % 2 == 1, Step = true,
            });
        }
        if (data.ReferenceObjective is { } r && series.Count > 0)
        {
            double xmax = series.Max(s => s.X.Max());
            series.Add(new Series
            {
                Name = data.ReferenceLabel, Kind = SeriesKind.Line, X = [1, xmax], Y = [unit.Apply(r), unit.Apply(r)],
                Colour = Palette.Grey, LineWidth = 1.5f, Dashed = true,
            });
        }
        int seeds = data.Runs.GroupBy(r => r.Method).Max(g => g.Count());
        return new Figure
        {
            Name = name,
            Title = "Search convergence",
            X = new AxisSpec("Oracle calls, reference included", "count"),
            Y = new AxisSpec($"Best feasible {data.ObjectiveQuantity}", unit.Unit == data.ObjectiveQuantity ? null : unit.Unit),
            Series = series,
            IntegerX = true,
            Legend = LegendPlacement.UpperRight,
            Caption = $"Best feasible {data.ObjectiveQuantity} after each oracle call for {string.Join(", ", methods)}" +
                      (seeds > 1 ? "; lines are medians over seeds, bands span the best and worst seed." : "."),
        };
    }

    internal static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
}
