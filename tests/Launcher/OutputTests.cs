using DeepTrain.Launcher.Output;

namespace DeepTrain.Tests.Launcher;

/// <summary>Units and tables as estimate / zoo / arch / pareto print them.</summary>
public class OutputTests
{
    [Theory]
    [InlineData(0.0123, "s", "12.3 ms")]
    [InlineData(3.2e-6, "J", "3.20 µJ")]
    [InlineData(0.33, "W", "330 mW")]
    [InlineData(65.8, "W", "65.8 W")]
    [InlineData(999.96, "s", "1.00 ks")]            // rounds into the next prefix
    [InlineData(0.00099996, "s", "1.00 ms")]
    [InlineData(9.996e-6, "J", "10.0 µJ")]           // rounds up a decade: one decimal fewer
    [InlineData(-0.0021, "J", "-2.10 mJ")]
    [InlineData(double.NaN, "s", "n/a")]
    [InlineData(double.PositiveInfinity, "s", "∞")]
    public void EngineeringPrefixesRoundCorrectly(double v, string unit, string expected) => Assert.Equal(expected, Units.Eng(v, unit));

    [Theory]
    [InlineData(1234, "1.23 k images/s")]
    [InlineData(12.5, "12.5 images/s")]
    [InlineData(2.5e6, "2.50 M images/s")]
    public void ThroughputKeepsTheWordUnitApartFromThePrefix(double ips, string expected) => Assert.Equal(expected, Units.ImagesPerSecond(ips));

    [Theory]
    [InlineData(0.372, "0.3720 mm²")]   // ISAAC tile
    [InlineData(85.4, "85.40 mm²")]
    [InlineData(0.0002, "200 µm²")]     // ISAAC 128×128 array
    public void AreaInSquareMillimetresOrMicrometres(double mm2, string expected) => Assert.Equal(expected, Units.SquareMillimetres(mm2));

    [Theory]
    [InlineData(17, "17")]
    [InlineData(25557032, "25.6 M")]
    [InlineData(4.1e9, "4.10 G")]
    public void Counts(double n, string expected) => Assert.Equal(expected, Units.Count(n));

    [Theory]
    [InlineData(0.00123, 3, "0.00123")]
    [InlineData(9.996, 3, "10.0")]
    [InlineData(12345, 3, "12345")]
    [InlineData(0.5, 3, "0.500")]
    public void SignificantDigits(double v, int d, string expected) => Assert.Equal(expected, Units.Sig(v, d));

    [Fact]
    public void NumberColumnsAlignRightAndAreNeverCut()
    {
        var t = new TextTable("network", "time/batch", "energy/image", "note");
        t.Add("resnet50", Units.Seconds(0.0123), Units.Joules(3.2e-6), new string('x', 200));
        t.Add("vgg16", Units.Seconds(0.15), Units.Joules(4.5e-5), "short");
        var lines = t.ToString().TrimEnd('\n').Split('\n');
        foreach (var l in lines) Assert.True(l.Length <= TextTable.MaxWidth, l);
        Assert.Contains("12.3 ms", lines[2]);
        Assert.Contains(" 150 ms", lines[3]);
        // Right alignment: the unit columns end at the same character position in every row.
        int end(string l, string s) => l.IndexOf(s, StringComparison.Ordinal) + s.Length;
        Assert.Equal(end(lines[2], "12.3 ms"), end(lines[3], "150 ms"));
        Assert.Equal(end(lines[0], "time/batch"), end(lines[2], "12.3 ms"));
        Assert.Contains("…", lines[2]);
    }

    [Fact]
    public void TooManyNumberColumnsSplitIntoBlocksThatRepeatTheKey()
    {
        var headers = new[] { "network" }.Concat(Enumerable.Range(0, 16).Select(i => $"batch {i}")).ToArray();
        var t = new TextTable(headers);
        t.Add(["resnet110", .. Enumerable.Range(0, 16).Select(i => (object)Units.Seconds(0.001 * (i + 1)))]);
        string s = t.ToString();
        foreach (var l in s.Split('\n')) Assert.True(l.Length <= TextTable.MaxWidth, l);
        var blocks = s.TrimEnd('\n').Split("\n\n");
        Assert.True(blocks.Length >= 2);
        foreach (var b in blocks) Assert.StartsWith("network", b);
        for (int i = 0; i < 16; i++) Assert.Contains($"batch {i}", s);
        Assert.Contains("16.0 ms", s);
    }

    [Fact]
    public void CellsWithLineBreaksStayOnOneLine()
    {
        var t = new TextTable("a", "b");
        t.Add("x\ny", "1 ms");
        Assert.Equal(3, t.ToString().TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void ProgressToAGivenWriterIsPlainByDefault()
    {
        var w = new StringWriter();
        using (var p = new Progress("sweep", 4, writer: w, plainEvery: TimeSpan.Zero))
            for (int i = 0; i < 4; i++) p.Advance(1);
        string s = w.ToString();
        Assert.DoesNotContain('\u001b', s);
        Assert.DoesNotContain('\r', s);
        Assert.Contains("sweep 4/4", s);
        Assert.Contains("/s", s);   // rate
    }

    [Fact]
    public void LiveProgressRedrawsInPlaceAndShowsEta()
    {
        var w = new StringWriter();
        var p = new Progress("optimize", 100, writer: w, live: true);
        p.Advance(50, "best 1.2 ms");
        string s = w.ToString();
        Assert.Contains("\r\u001b[2K", s);  // the control sequence the redirected mode must not emit
        Assert.Contains("[##########..........]", s);
        Assert.Contains("ETA", s);
        Assert.Contains("best 1.2 ms", s);
    }

    [Fact]
    public void QuietProgressWritesNothing()
    {
        var w = new StringWriter();
        using (var p = new Progress("x", 3, quiet: true, writer: w, live: false, plainEvery: TimeSpan.Zero))
            p.Advance(3);
        Assert.Equal("", w.ToString());
    }
}
