namespace DeepTrain.Reports.Figures;

/// <summary>
/// Text and line sizes of a rendered figure. <see cref="Screen"/> is sized for a 900×560 figure viewed at full size;
/// <see cref="Paper"/> enlarges text (×1.4) and lines and markers (×1.25) so a figure shrunk to one column of a
/// two-column paper (≈ 3.3 in) still reads at the paper's body size. docs/REPORTS.md.
/// </summary>
public enum FigureStyle { Screen, Paper }

public static class FigureStyles
{
    public static double FontScale(this FigureStyle s) => s == FigureStyle.Paper ? 1.4 : 1.0;
    public static double LineScale(this FigureStyle s) => s == FigureStyle.Paper ? 1.25 : 1.0;

    /// <summary>"screen" or "paper" (case-insensitive); null for anything else.</summary>
    public static FigureStyle? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "screen" => FigureStyle.Screen,
        "paper" => FigureStyle.Paper,
        _ => null,
    };
}
