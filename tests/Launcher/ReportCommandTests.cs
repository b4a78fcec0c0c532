using System.Text.Json;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;
using DeepTrain.Reports.Adapters;
using DeepTrain.Reports.Figures;
using DeepTrain.Tests.Reports;

namespace DeepTrain.Tests.Launcher;

public sealed class ReportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dt-reportcmd-" + Guid.NewGuid().ToString("N"));
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    [Fact]
    public void NetworkReportWritesEveryFigureAtTheRequestedSize()
    {
        var (code, o, e) = CliRunner.Run("report", "--net", "resnet20", "--arch", "deeptrain", "--norm", "every:4",
                                         "--compare", "resnet32", "--gpus", "v100,a100", "--out", _dir, "--size", "640x400", "--json");
        Assert.True(code == 0, e);
        using var doc = JsonDocument.Parse(o);
        var figs = doc.RootElement.GetProperty("figures").EnumerateArray().ToArray();
        Assert.Equal(["breakdown", "sites-front", "layers", "gpu-throughput", "gpu-energy"], figs.Select(f => f.GetProperty("name").GetString()));
        foreach (var f in figs)
        {
            Assert.Equal((640, 400), ImageFiles.PngSize(f.GetProperty("png").GetString()!));
            Assert.Equal((640.0, 400.0), ImageFiles.SvgSize(f.GetProperty("svg").GetString()!));
        }
        string html = File.ReadAllText(Path.Combine(_dir, "report.html"));
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("figures/breakdown.png", File.ReadAllText(Path.Combine(_dir, "report.md")));
        // The chosen bar (every:4 on 19 sites → 5 sites) comes first, then all, then none.
        var breakdown = FigureJson.Deserialize(File.ReadAllText(Path.Combine(_dir, "figures", "breakdown.json")));
        Assert.Equal(["chosen (5 sites)", "all 19 sites", "no sites"], breakdown.XTicks!.Select(t => t.Label));
        var front = FigureJson.Deserialize(File.ReadAllText(Path.Combine(_dir, "figures", "sites-front.json")));
        Assert.Equal(Enumerable.Range(0, 20).Select(k => (double)k), front[SitesFrontFigure.FrontSeries].X);
        Assert.Equal([5.0], front[SitesFrontFigure.ChosenSeries].X);
        var thr = FigureJson.Deserialize(File.ReadAllText(Path.Combine(_dir, "figures", "gpu-throughput.json")));
        Assert.Equal(["DeepTrain", "V100", "A100"], thr.Series.Select(s => s.Name));
        Assert.Equal(["resnet20", "resnet32"], thr.XTicks!.Select(t => t.Label));
        Assert.Equal(2, thr["V100"].Y.Length);
    }

    [Fact]
    public void TextOutputListsTheFiguresAndHasNoControlSequences()
    {
        var (code, o, e) = CliRunner.Run("report", "--net", "resnet20", "--compare", "", "--gpus", "v100", "--out", _dir);
        Assert.True(code == 0, e);
        Assert.Contains("report.md", o);
        Assert.Contains("sites-front", o);
        Assert.DoesNotContain('\u001b', o + e);
        Assert.Equal((900, 560), ImageFiles.PngSize(Path.Combine(_dir, "figures", "breakdown.png")));
    }

    [Theory]
    [InlineData("--size", "900")]
    [InlineData("--size", "10x10")]
    [InlineData("--net", "nosuchnet")]
    [InlineData("--norm", "every:0")]
    [InlineData("--batch", "0")]
    [InlineData("--gpus", "tpu9")]
    public void BadInputIsOneLineAndExitCode2(string option, string value)
    {
        var args = new List<string> { "report", "--net", "resnet20", "--compare", "", "--gpus", "v100", "--out", _dir };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value; else args.AddRange([option, value]);
        var (code, _, e) = CliRunner.Run(args.ToArray());
        Assert.Equal(2, code);
        Assert.Single(e.TrimEnd().Split('\n'));
    }

    [Fact]
    public void HelpFitsOneHundredColumns()
    {
        var (code, o, _) = CliRunner.Run("report", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--out", o);
        foreach (var line in o.Split('\n')) Assert.True(line.Length <= 100, line);
    }

    [Fact]
    public void OutIsRequired()
    {
        var (code, _, e) = CliRunner.Run("report", "--net", "resnet20");
        Assert.Equal(2, code);
        Assert.Contains("--out", e);
    }
}

/// <summary>The adapters regroup the evaluator's numbers without changing them.</summary>
public class EstimateAdapterTests
{
    [Theory]
    [InlineData("resnet20", "all")]
    [InlineData("resnet20", "none")]
    [InlineData("resnet20", "every:3")]
    [InlineData("resnet56", "first:7")]
    public void BarPartsAddUpToTimePerBatch(string net, string norm)
    {
        var n = Zoo.Get(net);
        var eval = new ScalarEvaluator(ModelTables.Build(n, ArchSpec.Load("deeptrain"), 64));
        var e = eval.Evaluate(NormPlacement.Parse(norm, n.SiteCount));
        var bar = EstimateAdapters.ToBar(e, norm);
        Assert.Equal(e.TimePerBatchSeconds, bar.TotalSeconds, e.TimePerBatchSeconds * 1e-12);
        Assert.Equal(e.Segments.Count, bar.Parts.Count(p => p.Category == EstimateAdapters.RunCategory));
        Assert.All(bar.Parts, p => Assert.True(p.Seconds >= 0));
    }
}
