using System.Globalization;
using DeepTrain.Reports.Figures;
using ScottPlot;

namespace DeepTrain.Reports.Rendering;

/// <summary>A figure written to disk as PNG and SVG of one size.</summary>
public sealed record RenderedFigure(Figure Figure, string PngPath, string SvgPath, string JsonPath, FigureSize Size);

/// <summary>
/// Draws a <see cref="Figure"/> with ScottPlot 5, headless (SkiaSharp). The only place that knows ScottPlot.
/// Font sizes, line widths and markers are given for a 900×560 figure and scale with the requested size, so a figure
/// printed at column width keeps ≥ 8 pt text; <see cref="FigureStyle.Paper"/> enlarges text and lines further. Log axes
/// are drawn by plotting log10 values with decade ticks. Dashed lines are dashed in the PNG by the rasterizer and in
/// the SVG by a <c>stroke-dasharray</c> attribute written here: SkiaSharp's SVG canvas cannot express a dash path
/// effect (it prints "Unsupported path effect in addPaint." on stderr and draws the line solid), so the SVG plot gets
/// solid lines in a tag colour that is then rewritten.
/// </summary>
public static class FigureRenderer
{
    private const double ReferenceWidth = 900, ReferenceHeight = 560;

    // A sans-serif face reads better small and in print; the first one installed wins (DejaVu ships with Debian).
    private static readonly Lazy<string> SansFont = new(() =>
    {
        var installed = SkiaSharp.SKFontManager.Default.GetFontFamilies().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var f in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans" })
            if (installed.Contains(f)) return f;
        return Fonts.Sans;
    });

    /// <summary>Writes &lt;dir&gt;/&lt;figure.Name&gt;.png and .svg at <paramref name="size"/>, and .json with the series.</summary>
    public static RenderedFigure Render(Figure figure, string directory, FigureSize size, FigureStyle style = FigureStyle.Screen)
    {
        if (size.Width < 100 || size.Height < 100) throw new ArgumentException($"figure size {size.Width}×{size.Height} is too small (minimum 100×100)");
        Directory.CreateDirectory(directory);
        var plot = ToPlot(figure, size, style);
        string png = Path.Combine(directory, figure.Name + ".png");
        string svg = Path.Combine(directory, figure.Name + ".svg");
        plot.SavePng(png, size.Width, size.Height);
        File.WriteAllText(svg, Svg(figure, size, style));
        string json = Path.Combine(directory, figure.Name + ".json");
        File.WriteAllText(json, FigureJson.Serialize(figure));
        return new RenderedFigure(figure, png, svg, json, size);
    }

    /// <summary>SVG text of the figure (for inlining in HTML).</summary>
    public static string Svg(Figure figure, FigureSize size, FigureStyle style = FigureStyle.Screen)
    {
        var dashTags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string xml = ToPlot(figure, size, style, dashTags).GetSvgXml(size.Width, size.Height);
        double s = Scale(size) * style.LineScale();
        string dash = FormattableString.Invariant($"{10 * s:0.#} {6 * s:0.#}");
        foreach (var (tag, real) in dashTags)
            xml = xml.Replace($"stroke=\"{tag}\"", $"stroke=\"{real}\" stroke-dasharray=\"{dash}\"", StringComparison.OrdinalIgnoreCase)
                     .Replace($"fill=\"{tag}\"", $"fill=\"{real}\"", StringComparison.OrdinalIgnoreCase);
        return xml;
    }

    private static double Scale(FigureSize size) => Math.Clamp(Math.Min(size.Width / ReferenceWidth, size.Height / ReferenceHeight), 0.6, 3.0);

    /// <param name="svgDashTags">When given (SVG output), dashed series are drawn solid in a tag colour, recorded here
    /// as tag → real colour ("#RRGGBB"), for <see cref="Svg"/> to rewrite as stroke-dasharray.</param>
    internal static Plot ToPlot(Figure fig, FigureSize size, FigureStyle style = FigureStyle.Screen, Dictionary<string, string>? svgDashTags = null)
    {
        double s = Scale(size);
        double fs = s * style.FontScale(), ls = s * style.LineScale();
        float F(double v) => (float)(v * fs);
        float L(double v) => (float)(v * ls);
        var plot = new Plot();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Font.Set(SansFont.Value);

        plot.Axes.Title.Label.Text = fig.Title;
        plot.Axes.Title.Label.FontSize = F(23);
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Bottom.Label.Text = fig.X.Label;
        plot.Axes.Left.Label.Text = fig.Y.Label;
        foreach (var ax in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            ax.Label.FontSize = F(22);
            ax.Label.Bold = false;
            ax.Label.ForeColor = Colors.Black;
            ax.TickLabelStyle.FontSize = F(19);
            ax.TickLabelStyle.ForeColor = Colors.Black;
            ax.FrameLineStyle.Width = L(1.2);
            ax.MajorTickStyle.Length = L(6);
        }
        plot.Grid.MajorLineColor = Color.FromHex("#000000").WithAlpha(0.12);

        Func<double, double> ty = fig.Y.Log10 ? v => Math.Log10(v) : v => v;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var ser in fig.Series)
            foreach (var v in ser.Y.Concat(ser.YBase ?? []))
                if (double.IsFinite(v) && (!fig.Y.Log10 || v > 0)) { yMin = Math.Min(yMin, v); yMax = Math.Max(yMax, v); }
        double logFloor = fig.Y.Log10 && double.IsFinite(yMin) ? Math.Floor(Math.Log10(yMin)) : 0;

        foreach (var ser in fig.Series)
        {
            var colour = Color.FromHex(ser.Colour);
            var y = ser.Y.Select(ty).ToArray();
            switch (ser.Kind)
            {
                case SeriesKind.Bars:
                {
                    var bars = new List<Bar>();
                    for (int i = 0; i < ser.X.Length; i++)
                    {
                        double b0 = ser.YBase is null ? (fig.Y.Log10 ? logFloor : 0) : ty(ser.YBase[i]);
                        bars.Add(new Bar
                        {
                            Position = ser.X[i], Value = y[i], ValueBase = b0, Size = ser.BarWidth,
                            FillColor = colour, LineColor = Colors.White, LineWidth = ser.X.Length > 30 ? 0 : L(1),
                        });
                    }
                    var bp = plot.Add.Bars(bars);
                    if (ser.InLegend) bp.LegendText = ser.Name;
                    break;
                }
                case SeriesKind.Band:
                {
                    double[] bx = ser.X, lo = (ser.YBase ?? new double[ser.X.Length]).Select(ty).ToArray();
                    if (ser.Step) (bx, y, lo) = (StepX(bx), StepY(y), StepY(lo));
                    var fill = plot.Add.FillY(bx, y, lo);
                    fill.FillColor = colour;
                    fill.LineWidth = 0;
                    if (ser.InLegend) fill.LegendText = ser.Name;
                    break;
                }
                default:
                {
                    bool dashed = ser.Dashed && ser.Kind != SeriesKind.Markers;
                    if (dashed && svgDashTags is not null) colour = Color.FromHex(DashTag(ser.Colour, fig, svgDashTags));
                    var sc = plot.Add.Scatter(ser.X, y, colour);
                    sc.LineWidth = ser.Kind == SeriesKind.Markers ? 0 : L(ser.LineWidth);
                    sc.LinePattern = dashed && svgDashTags is null ? LinePattern.Dashed : LinePattern.Solid;
                    sc.MarkerSize = ser.Kind == SeriesKind.Line || ser.Marker == MarkerKind.None ? 0 : L(ser.MarkerSize);
                    sc.MarkerShape = Shape(ser.Marker);
                    if (ser.Marker is MarkerKind.Cross or MarkerKind.OpenCircle or MarkerKind.Star) sc.MarkerLineWidth = L(ser.Marker == MarkerKind.Star ? 3 : 2);
                    if (ser.Step) sc.ConnectStyle = ConnectStyle.StepHorizontal;
                    if (ser.InLegend) sc.LegendText = ser.Name;
                    break;
                }
            }
        }

        if (fig.XTicks is { } xt)
        {
            var tg = new ScottPlot.TickGenerators.NumericManual();
            // Many categories (per-layer bars): label every n-th so labels never overlap; the rest get a bare tick.
            int every = (int)Math.Ceiling(xt.Count / 40.0);
            for (int i = 0; i < xt.Count; i++)
                if (i % every == 0) tg.AddMajor(xt[i].Position, xt[i].Label);
                else tg.AddMinor(xt[i].Position);
            plot.Axes.Bottom.TickGenerator = tg;
            plot.Axes.Bottom.MajorTickStyle.Length = 0;
            plot.Grid.XAxisStyle.IsVisible = false;
            if (xt.Count > 0 && (xt.Count > 6 || xt.Max(t => t.Label.Length) * xt.Count > 70))
            {
                bool many = xt.Count > 15;
                plot.Axes.Bottom.TickLabelStyle.Rotation = many ? -90 : -35;
                plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
                if (many) plot.Axes.Bottom.TickLabelStyle.FontSize = F(12);
                // ScottPlot sizes the axis panel for unrotated labels; reserve room for the rotated ones.
                double sin = many ? 1 : Math.Sin(35 * Math.PI / 180);
                int longest = xt.Where((_, i) => i % every == 0).Max(t => t.Label.Length);
                plot.Axes.Bottom.MinimumSize = F(longest * (many ? 12 : 19) * 0.55 * sin + (many ? 25 : 50));
            }
        }
        else if (fig.IntegerX)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

        if (fig.Y.Log10 && double.IsFinite(yMin))
        {
            var tg = new ScottPlot.TickGenerators.NumericManual();
            int d0 = (int)logFloor, d1 = (int)Math.Ceiling(Math.Log10(yMax));
            if (d1 == d0) d1++;
            for (int d = d0; d <= d1; d++)
            {
                tg.AddMajor(d, Math.Pow(10, d).ToString("G4", CultureInfo.InvariantCulture));
                if (d < d1) for (int k = 2; k <= 9; k++) tg.AddMinor(d + Math.Log10(k));
            }
            plot.Axes.Left.TickGenerator = tg;
            plot.Axes.SetLimitsY(d0, d1);
        }

        plot.Axes.AutoScaleX();
        if (!fig.Y.Log10)
        {
            plot.Axes.AutoScaleY();
            if (fig.YFromZero)
            {
                var lim = plot.Axes.GetLimits();
                plot.Axes.SetLimitsY(0, Math.Max(lim.Top, 1e-12));
            }
        }
        if (fig.XTicks is { Count: > 0 } ticks)
            plot.Axes.SetLimitsX(ticks.Min(t => t.Position) - 0.6, ticks.Max(t => t.Position) + 0.6);

        plot.Legend.FontSize = F(18);
        plot.Legend.FontColor = Colors.Black;
        bool anyLegend = fig.Series.Any(x => x.InLegend);
        switch (fig.Legend)
        {
            case LegendPlacement.Hidden: plot.HideLegend(); break;
            case LegendPlacement.Right when anyLegend: plot.ShowLegend(Edge.Right); break;
            default:
                if (!anyLegend) { plot.HideLegend(); break; }
                plot.ShowLegend();
                plot.Legend.Alignment = fig.Legend switch
                {
                    LegendPlacement.UpperLeft => Alignment.UpperLeft,
                    LegendPlacement.LowerLeft => Alignment.LowerLeft,
                    LegendPlacement.LowerRight => Alignment.LowerRight,
                    _ => Alignment.UpperRight,
                };
                break;
        }
        return plot;
    }

    /// <summary>A colour a few units away from <paramref name="colour"/> in blue (then green), used by no series of the
    /// figure and by no other tag: invisible in the drawing, unique in the SVG text.</summary>
    private static string DashTag(string colour, Figure fig, Dictionary<string, string> tags)
    {
        string rgb = colour.TrimStart('#')[..6].ToUpperInvariant();
        var used = new HashSet<string>(fig.Series.Select(x => x.Colour.TrimStart('#')[..6].ToUpperInvariant()));
        foreach (var t in tags.Keys) used.Add(t.TrimStart('#').ToUpperInvariant());
        int v = Convert.ToInt32(rgb, 16);
        for (int k = 1; k < 64; k++)
        {
            int cand = v ^ (k & 0x7) ^ ((k >> 3) << 8); // at most 7/255 off in blue and in green
            string c = cand.ToString("X6", CultureInfo.InvariantCulture);
            if (c == rgb || used.Contains(c) || c is "000000" or "FFFFFF") continue;
            tags["#" + c] = "#" + rgb;
            return "#" + c;
        }
        throw new InvalidOperationException($"no free tag colour near #{rgb}");
    }

    // Step expansion for bands: (x0,y0) (x1,y0) (x1,y1) (x2,y1) … so a band matches a StepHorizontal line.
    private static double[] StepX(double[] x) =>
        x.Length == 0 ? x : x.SelectMany((v, i) => i == 0 ? new[] { v } : new[] { v, v }).ToArray();
    private static double[] StepY(double[] y) =>
        y.Length == 0 ? y : y.SelectMany((v, i) => i == y.Length - 1 ? new[] { v } : new[] { v, v }).ToArray();

    private static MarkerShape Shape(MarkerKind m) => m switch
    {
        MarkerKind.FilledCircle => MarkerShape.FilledCircle,
        MarkerKind.OpenCircle => MarkerShape.OpenCircle,
        MarkerKind.Cross => MarkerShape.Eks,
        MarkerKind.FilledSquare => MarkerShape.FilledSquare,
        MarkerKind.FilledDiamond => MarkerShape.FilledDiamond,
        MarkerKind.FilledTriangle => MarkerShape.FilledTriangleUp,
        MarkerKind.Star => MarkerShape.Asterisk,
        _ => MarkerShape.None,
    };
}
