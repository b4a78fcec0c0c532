using System.Text.RegularExpressions;
using System.Xml.Linq;
using DeepTrain.Reports;
using DeepTrain.Reports.Figures;

namespace DeepTrain.Tests.Reports;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dt-report-" + Guid.NewGuid().ToString("N"));
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    private static Report Sample() => new("Study <resnet20> & co")
    {
        Summary = ["Chosen mask keeps 2 of 19 sites."],
        Sections =
        [
            new("Time breakdown") { Figures = [BreakdownFigure.Build(Fixtures.Breakdown())], Paragraphs = ["Bars stack | segments."] },
            new("Search") { Figures = [SitesFrontFigure.Build(Fixtures.Front()), ConvergenceFigure.Build(Fixtures.Convergence())] },
            new("Against GPUs")
            {
                Figures = GpuComparisonFigure.Build(Fixtures.Gpu()),
                Table = new ReportTable(["network", "images/s"], [["resnet20", "40.0 k"], ["a|b", "2.00 k"]]),
            },
        ],
        Provenance = "deeptrain report --study s.jsonl",
    };

    [Fact]
    public void WritesMarkdownHtmlAndEveryFigureAsPngAndSvg()
    {
        var size = new FigureSize(720, 450);
        var w = ReportWriter.Write(Sample(), _dir, size);
        Assert.True(File.Exists(w.MarkdownPath) && File.Exists(w.HtmlPath));
        Assert.Equal(["breakdown", "sites-front", "convergence", "gpu-throughput", "gpu-energy"], w.Figures.Select(f => f.Figure.Name));
        string md = File.ReadAllText(w.MarkdownPath);
        foreach (var f in w.Figures)
        {
            Assert.Equal((720, 450), ImageFiles.PngSize(f.PngPath));
            Assert.Equal((720.0, 450.0), ImageFiles.SvgSize(f.SvgPath));
            Assert.Contains($"(figures/{f.Figure.Name}.png)", md);
        }
        Assert.Contains("| a\\|b | 2.00 k |", md);
    }

    [Fact]
    public void HtmlIsOfflineWellFormedAndReferencesOnlyFilesInTheFolder()
    {
        var w = ReportWriter.Write(Sample(), _dir, new FigureSize(640, 400));
        string html = File.ReadAllText(w.HtmlPath);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
        Assert.Contains("Study &lt;resnet20&gt; &amp; co", html);
        // Every src/href resolves to a file written in the folder.
        var refs = Regex.Matches(html, @"(?:src|href)=""([^""]+)""").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(refs);
        foreach (var r in refs) Assert.True(File.Exists(Path.Combine(_dir, r)), r);
        // Well-formed: parses as XML once the doctype is dropped (no unclosed or stray tags).
        XDocument.Parse(html.Replace("<!DOCTYPE html>", ""));
        foreach (var svg in Directory.GetFiles(Path.Combine(_dir, "figures"), "*.svg"))
            Assert.DoesNotContain("http", ImageFiles.WithoutNamespaceDeclarations(File.ReadAllText(svg)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DuplicateFigureNamesAreRejected()
    {
        var f = BreakdownFigure.Build(Fixtures.Breakdown());
        var r = new Report("x") { Sections = [new("a") { Figures = [f, f] }] };
        Assert.Throws<ArgumentException>(() => ReportWriter.Write(r, _dir));
    }
}
