using System.Net;
using System.Text;
using DeepTrain.Reports.Figures;
using DeepTrain.Reports.Rendering;

namespace DeepTrain.Reports;

/// <summary>Paths written by <see cref="ReportWriter.Write"/>.</summary>
public sealed record WrittenReport(string Directory, string MarkdownPath, string HtmlPath, IReadOnlyList<RenderedFigure> Figures);

/// <summary>
/// Writes a self-contained report folder: report.md and report.html side by side, figures/&lt;name&gt;.png, .svg and
/// .json (the plotted series).
/// Everything is referenced by relative path; the HTML has its style inline and no script, font or link to the
/// network, so the folder opens offline and can be zipped or copied as is. Void elements are self-closed so the HTML
/// also parses as XML (tests rely on that).
/// </summary>
public static class ReportWriter
{
    public const string FiguresFolder = "figures";

    public static WrittenReport Write(Report report, string directory, FigureSize? size = null, FigureStyle style = FigureStyle.Screen)
    {
        var sz = size ?? FigureSize.Default;
        var dupes = report.AllFigures.GroupBy(f => f.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (dupes.Length > 0) throw new ArgumentException($"figure names must be unique in a report: {string.Join(", ", dupes)}");
        Directory.CreateDirectory(directory);
        string figDir = Path.Combine(directory, FiguresFolder);
        var rendered = report.AllFigures.Select(f => FigureRenderer.Render(f, figDir, sz, style)).ToList();
        string md = Path.Combine(directory, "report.md");
        string html = Path.Combine(directory, "report.html");
        File.WriteAllText(md, Markdown(report));
        File.WriteAllText(html, Html(report, sz));
        return new WrittenReport(directory, md, html, rendered);
    }

    public static string Markdown(Report r)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(r.Title).Append("\n\n");
        foreach (var p in r.Summary) sb.Append(p).Append("\n\n");
        foreach (var s in r.Sections)
        {
            sb.Append("## ").Append(s.Heading).Append("\n\n");
            foreach (var p in s.Paragraphs) sb.Append(p).Append("\n\n");
            foreach (var f in s.Figures)
            {
                sb.Append($"![{MdEscape(f.Title)}]({FiguresFolder}/{f.Name}.png)\n\n");
                if (f.Caption.Length > 0) sb.Append('*').Append(MdEscape(f.Caption)).Append("* ");
                sb.Append($"([SVG]({FiguresFolder}/{f.Name}.svg), [data]({FiguresFolder}/{f.Name}.json))\n\n");
            }
            if (s.Table is { } t)
            {
                sb.Append("| ").Append(string.Join(" | ", t.Headers.Select(MdCell))).Append(" |\n");
                sb.Append('|').Append(string.Join("|", t.Headers.Select((_, i) => i == 0 ? " --- " : " ---: "))).Append("|\n");
                foreach (var row in t.Rows) sb.Append("| ").Append(string.Join(" | ", row.Select(MdCell))).Append(" |\n");
                sb.Append('\n');
            }
        }
        if (r.Provenance.Length > 0) sb.Append("---\n\n").Append(r.Provenance).Append('\n');
        return sb.ToString();
    }

    public static string Html(Report r, FigureSize size)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n");
        sb.Append("<title>").Append(E(r.Title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E(r.Title)).Append("</h1>\n");
        foreach (var p in r.Summary) sb.Append("<p>").Append(E(p)).Append("</p>\n");
        foreach (var s in r.Sections)
        {
            sb.Append("<h2>").Append(E(s.Heading)).Append("</h2>\n");
            foreach (var p in s.Paragraphs) sb.Append("<p>").Append(E(p)).Append("</p>\n");
            foreach (var f in s.Figures)
            {
                string src = $"{FiguresFolder}/{f.Name}";
                sb.Append("<figure>\n");
                sb.Append($"<img src=\"{E(src)}.svg\" width=\"{size.Width}\" height=\"{size.Height}\" alt=\"{E(f.Title)}\" />\n");
                sb.Append("<figcaption>").Append(E(f.Caption))
                  .Append($" <a href=\"{E(src)}.png\">PNG</a> · <a href=\"{E(src)}.svg\">SVG</a> · <a href=\"{E(src)}.json\">data</a></figcaption>\n</figure>\n");
            }
            if (s.Table is { } t)
            {
                sb.Append("<table>\n<thead><tr>");
                foreach (var h in t.Headers) sb.Append("<th>").Append(E(h)).Append("</th>");
                sb.Append("</tr></thead>\n<tbody>\n");
                foreach (var row in t.Rows)
                {
                    sb.Append("<tr>");
                    foreach (var c in row) sb.Append("<td>").Append(E(c)).Append("</td>");
                    sb.Append("</tr>\n");
                }
                sb.Append("</tbody>\n</table>\n");
            }
        }
        if (r.Provenance.Length > 0) sb.Append("<footer>").Append(E(r.Provenance)).Append("</footer>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    // System fonts only: nothing is fetched.
    private const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; max-width: 62rem;
               margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.45; }
        figure { margin: 1.5rem 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
        figcaption { font-size: 0.95rem; color: #333; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        footer { margin-top: 2rem; font-size: 0.85rem; color: #555; }
        @media print { body { max-width: none; } figure { break-inside: avoid; } }

        """;

    private static string MdEscape(string s) => s.Replace("[", "\\[").Replace("]", "\\]").Replace("*", "\\*");
    private static string MdCell(string s) => s.Replace("|", "\\|").ReplaceLineEndings(" ");
}
