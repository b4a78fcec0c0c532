using DeepTrain.Reports.Figures;

namespace DeepTrain.Reports;

/// <summary>A plain table for a report (cells already formatted, units included).</summary>
public sealed record ReportTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A section: heading, plain-text paragraphs, then figures, then an optional table.</summary>
public sealed record ReportSection(string Heading)
{
    public IReadOnlyList<string> Paragraphs { get; init; } = [];
    public IReadOnlyList<Figure> Figures { get; init; } = [];
    public ReportTable? Table { get; init; }
}

/// <summary>What <see cref="ReportWriter"/> writes: a title, a short summary and sections.</summary>
public sealed record Report(string Title)
{
    public IReadOnlyList<string> Summary { get; init; } = [];
    public IReadOnlyList<ReportSection> Sections { get; init; } = [];
    /// <summary>Where the data came from (command line, input files), printed at the end.</summary>
    public string Provenance { get; init; } = "";

    public IEnumerable<Figure> AllFigures => Sections.SelectMany(s => s.Figures);
}
