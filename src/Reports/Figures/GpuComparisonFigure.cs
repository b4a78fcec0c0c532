using DeepTrain.Reports.Data;

namespace DeepTrain.Reports.Figures;

/// <summary>Grouped bars per network, one colour per device, on log axes (DeepTrain and GPUs differ by decades).</summary>
public static class GpuComparisonFigure
{
    /// <summary>Two figures: "&lt;prefix&gt;-throughput" (images/s) and "&lt;prefix&gt;-energy" (energy per image).</summary>
    public static IReadOnlyList<Figure> Build(GpuComparison data, string prefix = "gpu")
    {
        if (data.Networks.Count == 0) throw new ArgumentException("GPU comparison has no networks");
        var devices = data.Networks.SelectMany(n => n.Devices).Select(d => d.Device).Distinct().ToList();
        var ticks = data.Networks.Select((n, i) => new Tick(i, n.Network)).ToArray();
        var thr = DisplayUnit.For(data.Networks.SelectMany(n => n.Devices).Select(d => d.ImagesPerSecond), "images/s", separate: true);
        var en = DisplayUnit.For(data.Networks.SelectMany(n => n.Devices).Select(d => d.JoulesPerImage), "J");
        Figure make(string suffix, string quantity, DisplayUnit unit, Func<DeviceResult, double> value, string better)
        {
            var series = new List<Series>();
            double width = 0.8 / devices.Count;
            for (int d = 0; d < devices.Count; d++)
            {
                var x = new List<double>(); var y = new List<double>();
                for (int n = 0; n < data.Networks.Count; n++)
                {
                    var r = data.Networks[n].Devices.FirstOrDefault(v => v.Device == devices[d]);
                    if (r is null || !(value(r) > 0) || !double.IsFinite(value(r))) continue;
                    x.Add(n - 0.4 + width * (d + 0.5));
                    y.Add(unit.Apply(value(r)));
                }
                if (x.Count == 0) continue;
                series.Add(new Series
                {
                    Name = devices[d], Kind = SeriesKind.Bars, X = x.ToArray(), Y = y.ToArray(),
                    Colour = Palette.At(d), BarWidth = width * 0.92,
                });
            }
            return new Figure
            {
                Name = $"{prefix}-{suffix}",
                Title = $"{quantity}: {devices[0]} vs GPUs",
                X = new AxisSpec(""),
                Y = new AxisSpec(quantity, unit.Unit, Log10: true),
                Series = series,
                XTicks = ticks,
                Legend = LegendPlacement.Right,
                Caption = $"{quantity} per network and device (log scale; {better} is better). {data.Note}".TrimEnd(),
            };
        }
        return
        [
            make("throughput", "Training throughput", thr, r => r.ImagesPerSecond, "higher"),
            make("energy", "Energy per image", en, r => r.JoulesPerImage, "lower"),
        ];
    }
}
