using DeepTrain.Launcher;
using DeepTrain.Launcher.Output;

namespace DeepTrain.Tests.Launcher;

/// <summary>Runs the launcher in-process and captures its output.</summary>
public static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}

public class CliTests
{
    [Fact]
    public void UnknownOptionIsOneLineAndExitCode2()
    {
        var (code, _, err) = CliRunner.Run("version", "--bogus");
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("--bogus", err);
    }

    [Fact]
    public void RedirectedProgressHasNoControlSequences()
    {
        var w = new StringWriter();
        using (var p = new Progress("optimize", 10, writer: w, live: false, plainEvery: TimeSpan.Zero))
            for (int i = 0; i < 10; i++) p.Advance(1, "best 1 ms");
        string s = w.ToString();
        Assert.Contains("10/10", s);
        Assert.DoesNotContain('\u001b', s);
        Assert.DoesNotContain('\r', s);
    }

    [Theory]
    [InlineData(0.00123, "s", "1.23 ms")]
    [InlineData(4.5e-6, "J", "4.50 µJ")]
    [InlineData(1500, "W", "1.50 kW")]
    [InlineData(0, "s", "0 s")]
    public void EngineeringPrefixes(double v, string unit, string expected) => Assert.Equal(expected, Units.Eng(v, unit));

    [Fact]
    public void TablesFitOneHundredColumns()
    {
        var t = new TextTable("name", "description", "value");
        t.Add("a", new string('x', 300), "1.0 ms");
        foreach (var line in t.ToString().Split('\n')) Assert.True(line.Length <= TextTable.MaxWidth, line);
    }
}
