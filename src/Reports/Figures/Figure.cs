namespace DeepTrain.Reports.Figures;

/// <summary>How a <see cref="Series"/> is drawn.</summary>
public enum SeriesKind
{
    /// <summary>Connected line through (X, Y), no markers.</summary>
    Line,
    /// <summary>Markers only.</summary>
    Markers,
    /// <summary>Connected line with a marker at each point.</summary>
    LineMarkers,
    /// <summary>Filled band between <see cref="Series.Y"/> (upper) and <see cref="Series.YBase"/> (lower) over X.</summary>
    Band,
    /// <summary>Vertical bars centred at X from <see cref="Series.YBase"/> (0 when null) up to Y.</summary>
    Bars,
}

/// <summary>Marker shapes; feasibility and method are told apart by shape as well as colour (print, colour blindness).</summary>
public enum MarkerKind { None, FilledCircle, OpenCircle, Cross, FilledSquare, FilledDiamond, FilledTriangle, Star }

/// <summary>
/// One data series exactly as the plotting layer receives it, values already in the axis display units (e.g. ms).
/// Tests inspect these instead of pixels.
/// </summary>
public sealed record Series
{
    /// <summary>Legend text.</summary>
    public required string Name { get; init; }
    public required SeriesKind Kind { get; init; }
    public required double[] X { get; init; }
    public required double[] Y { get; init; }
    /// <summary>Bars: bottom of each bar (null = 0). Band: lower edge.</summary>
    public double[]? YBase { get; init; }
    /// <summary>Colour as "#RRGGBB" (or "#RRGGBBAA").</summary>
    public required string Colour { get; init; }
    public MarkerKind Marker { get; init; } = MarkerKind.None;
    /// <summary>Marker size in pixels at the 900×560 reference size.</summary>
    public float MarkerSize { get; init; } = 9;
    public float LineWidth { get; init; } = 2.5f;
    /// <summary>Dashed line (a second cue besides colour).</summary>
    public bool Dashed { get; init; }
    /// <summary>Lines: hold each value until the next X (running best, counts).</summary>
    public bool Step { get; init; }
    /// <summary>Bars: width in X units.</summary>
    public double BarWidth { get; init; } = 0.7;
    public bool InLegend { get; init; } = true;
}

/// <summary>An axis: quantity and display unit; the label reads "Quantity (unit)".</summary>
public sealed record AxisSpec(string Quantity, string? Unit = null, bool Log10 = false)
{
    public string Label => string.IsNullOrEmpty(Unit) ? Quantity : $"{Quantity} ({Unit})";
}

/// <summary>A categorical or hand-placed tick.</summary>
public readonly record struct Tick(double Position, string Label);

public enum LegendPlacement { UpperRight, UpperLeft, LowerRight, LowerLeft, Right, Hidden }

/// <summary>
/// A complete figure description, independent of the plotting library: what <see cref="Rendering.FigureRenderer"/>
/// draws. <see cref="Name"/> is the file stem (figures/&lt;Name&gt;.png / .svg).
/// </summary>
public sealed record Figure
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    public required AxisSpec X { get; init; }
    public required AxisSpec Y { get; init; }
    public required IReadOnlyList<Series> Series { get; init; }
    /// <summary>Categorical X ticks (bar charts); null = numeric ticks.</summary>
    public IReadOnlyList<Tick>? XTicks { get; init; }
    /// <summary>Integer-only numeric X ticks (counts such as k or oracle calls).</summary>
    public bool IntegerX { get; init; }
    /// <summary>Y axis starts at zero (bars, times).</summary>
    public bool YFromZero { get; init; }
    public LegendPlacement Legend { get; init; } = LegendPlacement.UpperRight;
    /// <summary>One-sentence caption for the report.</summary>
    public string Caption { get; init; } = "";

    /// <summary>The series named <paramref name="name"/> (tests, adapters).</summary>
    public Series this[string name] => Series.FirstOrDefault(s => s.Name == name)
        ?? throw new KeyNotFoundException($"figure '{Name}' has no series '{name}' (has: {string.Join(", ", Series.Select(s => s.Name))})");
}

/// <summary>Requested output size in pixels (the SVG uses the same numbers as its width/height).</summary>
public readonly record struct FigureSize(int Width, int Height)
{
    public static readonly FigureSize Default = new(900, 560);
}
