using DeepTrain.Reports.Data;
using DeepTrain.Reports.Figures;
using DeepTrain.Reports.Rendering;

namespace DeepTrain.Tests.Reports;

/// <summary>Small fixed inputs for every figure kind.</summary>
public static class Fixtures
{
    public static StackedBreakdown Breakdown() => new("resnet20, batch 64",
    [
        new BreakdownBar("chosen (2 sites)",
        [
            new("run 1", "pipeline run", 0.002), new("run 2", "pipeline run", 0.003),
            new("site 4", "normalization units", 0.0005), new("site 9", "normalization units", 0.0005),
        ]),
        new BreakdownBar("all 19 sites", [new("runs", "pipeline run", 0.009), new("sites", "normalization units", 0.004), new("spill", "DRAM spill", 0.001)]),
        new BreakdownBar("no sites", [new("run 1", "pipeline run", 0.004)]),
    ]);

    public static SitesFront Front() => new("resnet20",
        [new(0, 0.004), new(1, 0.0045), new(2, 0.006), new(3, 0.0072)],
        [new(1, 0.0046, false), new(2, 0.0061, true), new(3, 0.0080, true), new(2, 0.0065, false)],
        Chosen: new(2, 0.0061, true));

    public static Convergence Convergence() => new("time per batch", "s",
    [
        new("BO", 1, [5e-3, 4e-3, 3e-3], [true, false, true]),
        new("BO", 2, [6e-3, 2e-3, 4e-3], [true, true, true]),
        new("BO", 3, [7e-3, 7e-3, 1e-3], [false, true, true]),
        new("random", 1, [8e-3, 6e-3, 5e-3], [true, true, false]),
    ], ReferenceObjective: 9e-3);

    public static GpuComparison Gpu() => new(
    [
        new("resnet20", [new("DeepTrain", 40000, 2e-5), new("V100", 3000, 3e-3), new("A100", 6000, 2e-3)]),
        new("resnet50", [new("DeepTrain", 2000, 4e-4), new("V100", 380, 0.8), new("A100", double.NaN, 0.5)]),
    ]);

    public static ParetoScatter Pareto() => new(new("Time per batch", "s"), new("Area", "mm²"),
        [new(1e-3, 90), new(2e-3, 60), new(1.5e-3, 95), new(3e-3, 50), new(2.5e-3, 70), new(4e-3, 50)]);
}

public class FigureTests
{
    [Fact]
    public void BreakdownStacksPartsPerCategoryInMilliseconds()
    {
        var f = BreakdownFigure.Build(Fixtures.Breakdown());
        Assert.Equal("ms", f.Y.Unit);
        Assert.Equal("Time per batch (ms)", f.Y.Label);
        Assert.Equal(["pipeline run", "normalization units", "DRAM spill"], f.Series.Select(s => s.Name));
        var runs = f["pipeline run"];
        Assert.Equal([0, 0, 1, 2], runs.X);
        Assert.Equal([0, 2, 0, 0], runs.YBase!, new Tol());
        Assert.Equal([2, 5, 9, 4], runs.Y, new Tol());
        var nu = f["normalization units"];
        Assert.Equal([5, 5.5, 9], nu.YBase!, new Tol());
        Assert.Equal([5.5, 6, 13], nu.Y, new Tol());
        Assert.Equal(["chosen (2 sites)", "all 19 sites", "no sites"], f.XTicks!.Select(t => t.Label));
        Assert.Equal(3, f.Series.Select(s => s.Colour).Distinct().Count());
    }

    [Fact]
    public void SitesFrontSeparatesFeasibleInfeasibleAndChosen()
    {
        var f = SitesFrontFigure.Build(Fixtures.Front());
        Assert.Equal([SitesFrontFigure.FrontSeries, SitesFrontFigure.FeasibleSeries, SitesFrontFigure.InfeasibleSeries, SitesFrontFigure.ChosenSeries],
                     f.Series.Select(s => s.Name));
        Assert.Equal([0, 1, 2, 3], f[SitesFrontFigure.FrontSeries].X);
        Assert.Equal([4, 4.5, 6, 7.2], f[SitesFrontFigure.FrontSeries].Y, new Tol());
        Assert.Equal([2, 3], f[SitesFrontFigure.FeasibleSeries].X);
        Assert.Equal([1, 2], f[SitesFrontFigure.InfeasibleSeries].X);
        Assert.Equal([6.1], f[SitesFrontFigure.ChosenSeries].Y, new Tol());
        // Feasibility differs by shape, not only colour.
        Assert.NotEqual(f[SitesFrontFigure.FeasibleSeries].Marker, f[SitesFrontFigure.InfeasibleSeries].Marker);
        Assert.Equal("Active normalization sites (count)", f.X.Label);
    }

    [Fact]
    public void ConvergenceIsMedianOfBestFeasibleWithMinMaxBand()
    {
        var f = ConvergenceFigure.Build(Fixtures.Convergence());
        // BO best-so-far per seed: s1 [5,5,3], s2 [6,2,2], s3 [NaN,7,1] (ms).
        var med = f["BO (median of 3)"];
        Assert.Equal([1, 2, 3], med.X);
        Assert.Equal([5.5, 5, 2], med.Y, new Tol());
        var band = f[ConvergenceFigure.BandName("BO")];
        Assert.Equal(SeriesKind.Band, band.Kind);
        Assert.Equal([6, 7, 3], band.Y, new Tol());
        Assert.Equal([5, 2, 1], band.YBase!, new Tol());
        // One seed: a plain line, no band.
        Assert.Equal([8, 6, 6], f["random"].Y, new Tol());
        Assert.DoesNotContain(f.Series, s => s.Name == ConvergenceFigure.BandName("random"));
        Assert.Equal([9, 9], f["all sites"].Y, new Tol());
        Assert.Equal("Best feasible time per batch (ms)", f.Y.Label);
    }

    [Fact]
    public void RunGivenAsBestSoFarIsKeptAsIs()
    {
        double nan = double.NaN;
        var r = ConvergenceRun.FromBestSoFar("BO", 1, [nan, 5, 5, 3]);
        Assert.Equal([nan, 5, 5, 3], r.BestSoFar());
        var f = ConvergenceFigure.Build(new Convergence("sites", "sites", [r]));
        Assert.Equal([2, 3, 4], f["BO"].X);
        Assert.Equal([5, 5, 3], f["BO"].Y);
        Assert.Equal("Best feasible sites", f.Y.Label);
    }

    [Fact]
    public void GpuComparisonGivesThroughputAndEnergyOnLogAxesAndSkipsMissingValues()
    {
        var figs = GpuComparisonFigure.Build(Fixtures.Gpu());
        Assert.Equal(["gpu-throughput", "gpu-energy"], figs.Select(f => f.Name));
        var thr = figs[0];
        Assert.True(thr.Y.Log10);
        Assert.Equal("k images/s", thr.Y.Unit);
        Assert.Equal(["DeepTrain", "V100", "A100"], thr.Series.Select(s => s.Name));
        Assert.Equal([40, 2], thr["DeepTrain"].Y, new Tol());
        Assert.Single(thr["A100"].Y); // NaN on resnet50 is left out, not drawn as zero
        var en = figs[1];
        Assert.Equal("mJ", en.Y.Unit);
        Assert.Equal([0.02, 0.4], en["DeepTrain"].Y, new Tol());
        Assert.Equal([3, 800], en["V100"].Y, new Tol());
        // Bars of one network sit side by side around its tick.
        Assert.True(thr["DeepTrain"].X[0] < 0 && thr["A100"].X[0] > 0);
    }

    [Fact]
    public void ParetoFrontIsTheNonDominatedPoints()
    {
        var data = Fixtures.Pareto();
        Assert.Equal([0, 1, 3], data.FrontIndices());
        var f = ParetoFigure.Build(data);
        Assert.Equal([1, 2, 3], f[ParetoFigure.FrontSeries].X, new Tol());
        Assert.Equal([90, 60, 50], f[ParetoFigure.FrontSeries].Y, new Tol());
        Assert.Equal(6, f[ParetoFigure.PointsSeries].X.Length);
        Assert.Equal("Time per batch (ms)", f.X.Label);
        Assert.Equal("Area (mm²)", f.Y.Label);
    }

    [Fact]
    public void ParetoFrontRespectsMaximizedAxis()
    {
        var data = new ParetoScatter(new("Throughput", "images/s"), new("Energy per image", "J"),
            [new(100, 1), new(200, 2), new(150, 3), new(50, 0.5)], MaximizeX: true);
        Assert.Equal([3, 0, 1], data.FrontIndices());
    }

    public static TheoryData<string> AllFigureNames() => new(AllFigures().Select(f => f.Name));

    internal static IReadOnlyList<Figure> AllFigures() =>
    [
        BreakdownFigure.Build(Fixtures.Breakdown()), SitesFrontFigure.Build(Fixtures.Front()),
        ConvergenceFigure.Build(Fixtures.Convergence()), ..GpuComparisonFigure.Build(Fixtures.Gpu()),
        ParetoFigure.Build(Fixtures.Pareto()),
    ];

    [Theory]
    [MemberData(nameof(AllFigureNames))]
    public void EachFigureRendersPngAndSvgOfTheRequestedSize(string name)
    {
        var fig = AllFigures().Single(f => f.Name == name);
        var dir = Path.Combine(Path.GetTempPath(), "dt-fig-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var size in new[] { new FigureSize(640, 400), new FigureSize(1200, 750) })
            {
                var r = FigureRenderer.Render(fig, dir, size);
                Assert.True(File.Exists(r.PngPath) && File.Exists(r.SvgPath));
                Assert.Equal((size.Width, size.Height), ImageFiles.PngSize(r.PngPath));
                Assert.Equal((size.Width, (double)size.Height), ImageFiles.SvgSize(r.SvgPath));
                string svg = File.ReadAllText(r.SvgPath);
                Assert.DoesNotContain("http", ImageFiles.WithoutNamespaceDeclarations(svg), StringComparison.OrdinalIgnoreCase);
                // The series travel beside the images, losslessly.
                var back = FigureJson.Deserialize(File.ReadAllText(r.JsonPath));
                Assert.Equal(fig.Series.Select(x => (x.Name, x.Kind)), back.Series.Select(x => (x.Name, x.Kind)));
                for (int i = 0; i < fig.Series.Count; i++) { Assert.Equal(fig.Series[i].X, back.Series[i].X); Assert.Equal(fig.Series[i].Y, back.Series[i].Y); }
                // Axis label text is in the vector output.
                Assert.Contains(System.Net.WebUtility.HtmlEncode(fig.Y.Quantity).Split(' ')[0], svg);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void DegenerateInputsStillRender()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dt-fig-" + Guid.NewGuid().ToString("N"));
        try
        {
            // No GPU numbers at all (every value NaN) and a front of a single point.
            var gpu = GpuComparisonFigure.Build(new GpuComparison([new("x", [new("DeepTrain", double.NaN, double.NaN)])]));
            Assert.Empty(gpu[0].Series);
            var one = SitesFrontFigure.Build(new SitesFront("tiny", [new(0, 1e-3)], []));
            foreach (var f in gpu.Append(one))
            {
                var r = FigureRenderer.Render(f, dir, new FigureSize(400, 300));
                Assert.Equal((400, 300), ImageFiles.PngSize(r.PngPath));
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void PaletteIsOkabeIto()
    {
        Assert.Equal(8, Palette.Colours.Distinct().Count());
        Assert.Contains("#0072B2", Palette.Colours);
        Assert.Equal(Palette.At(0), Palette.At(8));
    }

    [Theory]
    [InlineData(0.0042, "s", 1000, "ms")]
    [InlineData(4.2e-6, "J", 1e6, "µJ")]
    [InlineData(12, "s", 1, "s")]
    [InlineData(0, "s", 1, "s")]
    public void DisplayUnitPicksOnePrefixPerAxis(double max, string unit, double factor, string shown)
    {
        var u = DisplayUnit.For(max, unit);
        Assert.Equal(shown, u.Unit);
        Assert.Equal(factor, u.Factor, 1e-9 * factor);
    }
}

/// <summary>Relative tolerance for display-unit arithmetic.</summary>
public sealed class Tol : IEqualityComparer<double>
{
    public bool Equals(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
    public int GetHashCode(double d) => 0;
}

public class FmtTests
{
    [Theory]
    [InlineData(0.0123, "s", false, "12.3 ms")]
    [InlineData(999.96, "s", false, "1.00 ks")]
    [InlineData(9.996e-6, "J", false, "10.0 µJ")]
    [InlineData(1234, "images/s", true, "1.23 k images/s")]
    [InlineData(65.8, "W", false, "65.8 W")]
    public void ReportNumbersHaveThreeDigitsAndAPrefix(double v, string unit, bool separate, string expected) =>
        Assert.Equal(expected, Fmt.Eng(v, unit, separate));
}
