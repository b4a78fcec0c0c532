using System.Text.Json;
using DeepTrain.Reports.Figures;
using DeepTrain.Tests.Reports;

namespace DeepTrain.Tests.Launcher;

/// <summary>`report --study`: logs written by `optimize` itself (synthetic oracles, small budgets).</summary>
public sealed class StudyReportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dt-studyrep-" + Guid.NewGuid().ToString("N"));
    public StudyReportCommandTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    private string Optimize(string name, params string[] extra)
    {
        string log = Path.Combine(_dir, name);
        var (code, _, e) = CliRunner.Run(["optimize", "--candidates", "1000", "--out", log, "-q", .. extra]);
        Assert.True(code == 0, e);
        return log;
    }

    [Fact]
    public void SeveralSeedsAndMethodsGiveOneConvergenceFigureWithBands()
    {
        string[] common = ["--oracle", "synthetic:critical-12-3-1", "--objective", "sites", "--budget", "14"];
        var a = Optimize("bo1.jsonl", [.. common, "--seed", "1"]);
        var b = Optimize("bo2.jsonl", [.. common, "--seed", "2"]);
        var c = Optimize("rnd.jsonl", [.. common, "--seed", "1", "--method", "random"]);
        string outDir = Path.Combine(_dir, "rep");
        var (code, o, e) = CliRunner.Run("report", "--study", a, "--study", b, "--study", c, "--out", outDir, "--size", "700x450", "--json");
        Assert.True(code == 0, e);
        using var doc = JsonDocument.Parse(o);
        var names = doc.RootElement.GetProperty("figures").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["convergence"], names); // no network in a synthetic study: no time figures
        var f = FigureJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "figures", "convergence.json")));
        var bo = f.Series.Single(s => s.Name.StartsWith("bo", StringComparison.Ordinal) && s.Kind != SeriesKind.Band);
        Assert.Contains("median of 2", bo.Name);
        Assert.Contains(f.Series, s => s.Kind == SeriesKind.Band);
        Assert.Contains(f.Series, s => s.Name == "random");
        // Best feasible never gets worse.
        for (int i = 1; i < bo.Y.Length; i++) Assert.True(bo.Y[i] <= bo.Y[i - 1]);
        Assert.Equal((700, 450), ImageFiles.PngSize(Path.Combine(outDir, "figures", "convergence.png")));
        Assert.DoesNotContain("http", File.ReadAllText(Path.Combine(outDir, "report.html")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void StudyOfANetworkAddsTheFrontWithEvaluatedPointsAndTheStack()
    {
        var log = Optimize("net.jsonl", "--net", "resnet20", "--oracle", "synthetic:critical-19-4-1", "--objective", "time", "--budget", "12");
        string outDir = Path.Combine(_dir, "rep");
        var (code, _, e) = CliRunner.Run("report", "--study", log, "--out", outDir);
        Assert.True(code == 0, e);
        var front = FigureJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "figures", "sites-front.json")));
        int evaluated = front.Series.Where(s => s.Name is SitesFrontFigure.FeasibleSeries or SitesFrontFigure.InfeasibleSeries).Sum(s => s.X.Length);
        Assert.InRange(evaluated, 2, 12);
        Assert.Equal(20, front[SitesFrontFigure.FrontSeries].X.Length);
        Assert.True(File.Exists(Path.Combine(outDir, "figures", "breakdown.png")));
    }

    [Fact]
    public void NetAndStudyTogetherAreRefused()
    {
        var (code, _, e) = CliRunner.Run("report", "--net", "resnet20", "--study", "x.jsonl", "--out", _dir);
        Assert.Equal(2, code);
        Assert.Single(e.TrimEnd().Split('\n'));
    }

    [Fact]
    public void NotAStudyLogIsOneLineAndExitCode2()
    {
        var bad = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(bad, "{\"type\":\"nope\"}\n");
        var (code, _, e) = CliRunner.Run("report", "--study", bad, "--out", Path.Combine(_dir, "rep"));
        Assert.Equal(2, code);
        Assert.Single(e.TrimEnd().Split('\n'));
    }
}
