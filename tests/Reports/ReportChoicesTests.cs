using System.Diagnostics;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Gpu;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;
using DeepTrain.Reports.Adapters;
using DeepTrain.Reports.Data;
using DeepTrain.Reports.Figures;
using DeepTrain.Reports.Rendering;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Reports;

/// <summary>Reports follow the user's choices: the chosen mask, every oracle call, sweep groups, paper style, clean SVG.</summary>
public sealed class ReportChoicesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dt-repchoice-" + Guid.NewGuid().ToString("N"));
    public ReportChoicesTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    [Fact]
    public void GpuComparisonUsesTheChosenMaskNotAllSites()
    {
        var net = Zoo.Get("resnet20");
        var other = Zoo.Get("resnet56");
        var spec = ArchSpec.Load("deeptrain");
        var v100 = GpuSpec.Load("v100");
        var r = NetworkReport.Build(net, spec, 64, SiteMask.None(net.SiteCount), "none", [other], [v100]);
        var gpuSection = r.Sections.Single(s => s.Heading.Contains("against GPUs"));
        var rows = gpuSection.Table!.Rows;
        foreach (var n in new[] { net, other })
        {
            var none = SiteMask.None(n.SiteCount);
            var chip = new ScalarEvaluator(ModelTables.Build(n, spec, 64)).Evaluate(none);
            var gpu = new GpuBaseline(n, v100, 64).Estimate(none);
            Assert.Contains(rows, x => x[0] == n.Name && x[1] == "DeepTrain" && x[2] == Fmt.Rate(chip.ImagesPerSecond));
            Assert.Contains(rows, x => x[0] == n.Name && x[1] == "V100" && x[2] == Fmt.Rate(gpu.ImagesPerSecond));
            // and not the all-sites figures the comparison used to show
            var all = new ScalarEvaluator(ModelTables.Build(n, spec, 64)).Evaluate(SiteMask.All(n.SiteCount));
            Assert.DoesNotContain(rows, x => x[0] == n.Name && x[1] == "DeepTrain" && x[2] == Fmt.Rate(all.ImagesPerSecond));
        }
        Assert.Contains("none", gpuSection.Paragraphs[0]);
    }

    [Fact]
    public void AMaskThatFitsOnlyTheReportedNetworkLeavesTheOthersOutAndSaysSo()
    {
        var net = Zoo.Get("resnet20");
        string text = "mask:" + new string('1', net.SiteCount - 1) + "0";
        var chosen = NormPlacement.Parse(text, net.SiteCount);
        var r = NetworkReport.Build(net, ArchSpec.Load("deeptrain"), 64, chosen, text, [Zoo.Get("resnet56")], [GpuSpec.Load("v100")]);
        var fig = r.AllFigures.Single(f => f.Name == "gpu-throughput");
        Assert.Single(fig.XTicks!);
        Assert.Contains("resnet56", fig.Caption);
    }

    [Fact]
    public void ConvergenceAxisCountsTheReferenceCall()
    {
        string log = Path.Combine(_dir, "s.jsonl");
        var (code, _, e) = CliRunner.Run("optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "8",
                                         "--reference-seeds", "2", "--out", log, "-q");
        Assert.True(code == 0, e);
        var contents = StudyLog.Read(log);
        Assert.Contains(contents.Observations, o => o.IsReference);
        var run = StudyAdapters.ToRun(contents);
        Assert.Equal(contents.Observations.Count, run.Objective.Count);
        var fig = ConvergenceFigure.Build(StudyAdapters.ToConvergence([contents]));
        Assert.Equal(contents.Observations.Count, (int)fig.Series.Where(s => s.InLegend && s.Name != "all sites").Max(s => s.X.Max()));
        Assert.Contains("reference included", fig.X.Label);
    }

    [Fact]
    public void SweepPointsAreColouredByGroup()
    {
        var data = new ParetoScatter(new("Time per batch", "s"), new("Energy per image", "J"),
        [
            new(1, 5, Group: "resnet20, batch 16"), new(2, 4, Group: "resnet20, batch 16"),
            new(3, 2, Group: "resnet20, batch 64"), new(4, 1, Group: "resnet56, batch 64"),
        ]);
        var f = ParetoFigure.Build(data);
        var points = ParetoFigure.PointSeriesOf(f).ToArray();
        Assert.Equal(["resnet20, batch 16", "resnet20, batch 64", "resnet56, batch 64"], points.Select(s => s.Name).ToArray());
        Assert.Equal(3, points.Select(s => s.Colour).Distinct().Count());
        Assert.DoesNotContain(points, s => s.Colour == f[ParetoFigure.FrontSeries].Colour);
        Assert.Equal(4, points.Sum(s => s.X.Length));
    }

    [Fact]
    public void ASweepReportGroupsPointsByNetworkAndBatch()
    {
        string spec = Path.Combine(_dir, "spec.json"), csv = Path.Combine(_dir, "rows.csv");
        File.WriteAllText(spec, """{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [16, 64], "sitePolicies": ["all", "none"] }""");
        var (code, _, e) = CliRunner.Run("sweep", spec, "--out", csv, "--quiet");
        Assert.True(code == 0, e);
        string outDir = Path.Combine(_dir, "rep");
        (code, _, e) = CliRunner.Run("report", "--sweep", csv, "--out", outDir);
        Assert.True(code == 0, e);
        var f = FigureJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "figures", "pareto.json")));
        var names = ParetoFigure.PointSeriesOf(f).Select(s => s.Name).ToArray();
        Assert.Equal(["resnet20, batch 16", "resnet20, batch 64"], names);
    }

    [Fact]
    public void PaperStyleEnlargesTextAndLines()
    {
        var fig = ConvergenceFigure.Build(Fixtures.Convergence());
        var screen = FigureRenderer.ToPlot(fig, FigureSize.Default);
        var paper = FigureRenderer.ToPlot(fig, FigureSize.Default, FigureStyle.Paper);
        Assert.Equal(screen.Axes.Title.Label.FontSize * 1.4, paper.Axes.Title.Label.FontSize, 3);
        Assert.Equal(screen.Axes.Bottom.TickLabelStyle.FontSize * 1.4, paper.Axes.Bottom.TickLabelStyle.FontSize, 3);
        Assert.Equal(screen.Axes.Left.FrameLineStyle.Width * 1.25, paper.Axes.Left.FrameLineStyle.Width, 3);
    }

    [Fact]
    public void AnUnknownStyleIsOneLine()
    {
        var (code, _, e) = CliRunner.Run("report", "--net", "resnet20", "--style", "poster", "--out", Path.Combine(_dir, "x"));
        Assert.Equal(2, code);
        Assert.Contains("--style", Assert.Single(e.TrimEnd().Split('\n')));
    }

    [Fact]
    public void SvgDashesAreAttributesNotSkiaPathEffects()
    {
        var fig = ConvergenceFigure.Build(Fixtures.Convergence());
        var dashed = fig.Series.Where(s => s.Dashed).ToArray();
        Assert.NotEmpty(dashed);
        var tags = new Dictionary<string, string>();
        var plot = FigureRenderer.ToPlot(fig, FigureSize.Default, FigureStyle.Screen, tags);
        Assert.DoesNotContain(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>(), s => s.LinePattern.Equals(ScottPlot.LinePattern.Dashed));
        string svg = FigureRenderer.Svg(fig, FigureSize.Default);
        Assert.Contains("stroke-dasharray", svg);
        foreach (var s in dashed) Assert.Contains($"stroke=\"{s.Colour[..7]}\" stroke-dasharray", svg, StringComparison.OrdinalIgnoreCase);
        foreach (var tag in tags.Keys) Assert.DoesNotContain(tag, svg, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AStudyReportPrintsNoSkiaPathEffectLines()
    {
        string a = Path.Combine(_dir, "a.jsonl"), b = Path.Combine(_dir, "b.jsonl");
        Assert.Equal(0, CliRunner.Run("optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "8", "--out", a, "-q").Code);
        Assert.Equal(0, CliRunner.Run("optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "8",
                                      "--method", "random", "--out", b, "-q").Code);
        // A real process: SkiaSharp's native code writes to the process's stderr, which an in-process runner cannot see.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var x in new[] { Path.Combine(AppContext.BaseDirectory, "deeptrain.dll"), "report", "--study", a, "--study", b, "--out", Path.Combine(_dir, "rep") })
            psi.ArgumentList.Add(x);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string o = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        string e = await err;
        Assert.True(p.ExitCode == 0, e);
        Assert.DoesNotContain("Unsupported path effect", e + o);
        var svg = File.ReadAllText(Path.Combine(_dir, "rep", "figures", "convergence.svg"));
        Assert.Contains("stroke-dasharray", svg);
    }
}
