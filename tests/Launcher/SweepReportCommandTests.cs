using DeepTrain.Reports.Figures;
using DeepTrain.Tests.Reports;

namespace DeepTrain.Tests.Launcher;

/// <summary>`report --sweep`: a sweep written by `deeptrain sweep` itself, then its Pareto figure.</summary>
public sealed class SweepReportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dt-sweeprep-" + Guid.NewGuid().ToString("N"));
    public SweepReportCommandTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    private string Sweep()
    {
        string spec = Path.Combine(_dir, "spec.json"), csv = Path.Combine(_dir, "rows.csv");
        File.WriteAllText(spec, """
            { "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [16, 64],
              "sitePolicies": ["all", "none", "every-2", "fastest-per-k"] }
            """);
        var (code, _, e) = CliRunner.Run("sweep", spec, "--out", csv, "--quiet");
        Assert.True(code == 0, e);
        return csv;
    }

    [Fact]
    public void ParetoFigureHoldsEveryRowAndOnlyNonDominatedPointsOnTheFront()
    {
        var csv = Sweep();
        int rows = File.ReadAllLines(csv).Length - 1;
        string outDir = Path.Combine(_dir, "rep");
        var (code, _, e) = CliRunner.Run("report", "--sweep", csv, "--x", "imagesPerSecond", "--y", "energyPerImageJoules",
                                         "--out", outDir, "--size", "640x420");
        Assert.True(code == 0, e);
        var f = FigureJson.Deserialize(File.ReadAllText(Path.Combine(outDir, "figures", "pareto.json")));
        var points = ParetoFigure.PointSeriesOf(f).ToArray();
        var all = new { X = points.SelectMany(p => p.X).ToArray(), Y = points.SelectMany(p => p.Y).ToArray() };
        var front = f[ParetoFigure.FrontSeries];
        Assert.Equal(rows, all.X.Length);
        Assert.NotEmpty(front.X);
        // Throughput is maximized, energy minimized: no sweep point may beat a front point on both.
        for (int i = 0; i < front.X.Length; i++)
            for (int j = 0; j < all.X.Length; j++)
                Assert.False(all.X[j] >= front.X[i] && all.Y[j] <= front.Y[i] && (all.X[j] > front.X[i] || all.Y[j] < front.Y[i]),
                             $"point {j} dominates front point {i}");
        Assert.Equal((640, 420), ImageFiles.PngSize(Path.Combine(outDir, "figures", "pareto.png")));
        Assert.DoesNotContain("http", File.ReadAllText(Path.Combine(outDir, "report.html")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnknownColumnIsOneLineNamingItAndExitCode2()
    {
        var csv = Sweep();
        var (code, _, e) = CliRunner.Run("report", "--sweep", csv, "--x", "speed", "--out", Path.Combine(_dir, "rep"));
        Assert.Equal(2, code);
        Assert.Single(e.TrimEnd().Split('\n'));
        Assert.Contains("'speed'", e);
        Assert.Contains("imagesPerSecond", e);
    }

    [Fact]
    public void AFileThatIsNotASweepIsRefused()
    {
        var bad = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(bad, "a,b\n1,2\n");
        var (code, _, e) = CliRunner.Run("report", "--sweep", bad, "--out", Path.Combine(_dir, "rep"));
        Assert.Equal(2, code);
        Assert.Contains("not a sweep result", e);
    }
}
