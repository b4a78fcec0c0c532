namespace DeepTrain.Reports.Figures;

/// <summary>
/// Okabe–Ito colour-blind-safe palette (Okabe &amp; Ito 2008, "Color Universal Design"), reordered so the first
/// colours keep high contrast on white; the yellow is last because it is weak in print.
/// </summary>
public static class Palette
{
    public const string Blue = "#0072B2";
    public const string Vermillion = "#D55E00";
    public const string BluishGreen = "#009E73";
    public const string Orange = "#E69F00";
    public const string ReddishPurple = "#CC79A7";
    public const string SkyBlue = "#56B4E9";
    public const string Black = "#000000";
    public const string Yellow = "#F0E442";
    /// <summary>Neutral grey for context points (not part of Okabe–Ito; 4.5:1 contrast on white).</summary>
    public const string Grey = "#767676";

    public static readonly IReadOnlyList<string> Colours =
        [Blue, Vermillion, BluishGreen, Orange, ReddishPurple, SkyBlue, Black, Yellow];

    /// <summary>The i-th colour, cycling.</summary>
    public static string At(int i) => Colours[((i % Colours.Count) + Colours.Count) % Colours.Count];

    /// <summary>Markers to pair with colours so series differ in shape too.</summary>
    public static readonly IReadOnlyList<MarkerKind> Markers =
        [MarkerKind.FilledCircle, MarkerKind.FilledSquare, MarkerKind.FilledTriangle, MarkerKind.FilledDiamond, MarkerKind.Star, MarkerKind.OpenCircle, MarkerKind.Cross];

    public static MarkerKind MarkerAt(int i) => Markers[((i % Markers.Count) + Markers.Count) % Markers.Count];

    /// <summary>Colour with alpha (0–255) appended, for bands.</summary>
    public static string WithAlpha(string hex, byte alpha) => hex[..7] + alpha.ToString("X2");
}
