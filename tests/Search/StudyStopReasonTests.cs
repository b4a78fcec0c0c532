using System.Text.Json;
using DeepTrain.Launcher.Commands;
using DeepTrain.Model.Search.Study;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Search;

/// <summary>Issue 13 item 4: the optimize summary says why a study stopped, and what it measured.</summary>
public class StudyStopReasonTests
{
    private static JsonElement Optimize(params string[] args)
    {
        var log = Path.GetTempFileName();
        var (code, o, e) = CliRunner.Run(["optimize", .. args, "--out", log, "--force", "--json"]);
        File.Delete(log);
        Assert.True(code == 0, e);
        return JsonDocument.Parse(o).RootElement.Clone();
    }

    [Fact]
    public void AStudyThatSpendsItsBudgetSaysBudget()
    {
        var r = Optimize("--oracle", "synthetic:critical-16-4-3", "--objective", "sites", "--budget", "12", "--candidates", "500");
        Assert.Equal(12, r.GetProperty("oracleCalls").GetInt32());
        Assert.Equal("budget", r.GetProperty("stopReason").GetString());
        Assert.Contains("budget used", r.GetProperty("stopped").GetString());
    }

    [Fact]
    public void AStudyThatObservesEveryMaskSaysExhaustedBeforeItsBudget()
    {
        // 3 sites: 8 masks in all; random search asks each once, then has nothing left.
        var r = Optimize("--oracle", "synthetic:critical-3-1-1", "--objective", "sites", "--method", "random", "--budget", "50");
        Assert.Equal(8, r.GetProperty("oracleCalls").GetInt32());
        Assert.Equal("exhausted", r.GetProperty("stopReason").GetString());
    }

    [Fact]
    public void AMethodWithNothingLeftToAskSaysNoImprovingCandidate()
    {
        // Greedy elimination stops when no drop is feasible, long before 500 calls on 10 sites (1,024 masks).
        var r = Optimize("--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--method", "greedy", "--budget", "500");
        int calls = r.GetProperty("oracleCalls").GetInt32();
        Assert.InRange(calls, 2, 499);
        Assert.Equal("no-improving-candidate", r.GetProperty("stopReason").GetString());
    }

    [Fact]
    public void TheTextSummaryHasAStoppedLine()
    {
        var log = Path.GetTempFileName();
        var (code, o, e) = CliRunner.Run("optimize", "--oracle", "synthetic:critical-3-1-1", "--objective", "sites", "--method", "random",
            "--budget", "50", "--out", log, "--force", "-q");
        File.Delete(log);
        Assert.True(code == 0, e);
        Assert.Contains("stopped", o);
        Assert.Contains("every one of the 8 masks was observed", o);
    }

    [Fact]
    public void StopReasonWordsAreStable()
    {
        Assert.Equal(["budget", "no-improving-candidate", "exhausted", "oracle-error"],
            Enum.GetValues<StopReason>().Select(r => r.Word()).ToArray());
    }

    [Fact]
    public void WhenEveryReferenceCallFailsTheErrorQuotesTheOraclesLastError()
    {
        var script = Path.GetTempFileName();
        File.WriteAllText(script, "echo 'CUDA out of memory' >&2\nexit 3\n");
        var log = Path.GetTempFileName();
        var (code, o, err) = CliRunner.Run("optimize", "--oracle", $"command:/bin/sh {script}", "--sites", "4", "--objective", "sites",
            "--budget", "10", "--retries", "0", "--out", log, "--force", "--json");
        File.Delete(script); File.Delete(log);
        Assert.Equal(2, code);
        Assert.Equal("", o);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("exited with code 3 (stderr: CUDA out of memory)", err);
        Assert.Contains("all 3 calls failed", err); // command oracles default to 3 reference seeds
    }

    [Fact]
    public void CommandAndTrainOraclesDefaultToThreeReferenceSeeds()
    {
        Assert.Equal(3, OptimizeCommand.DefaultReferenceSeeds("command:/bin/true"));
        Assert.Equal(3, OptimizeCommand.DefaultReferenceSeeds("train:epochs=5"));
        Assert.Equal(1, OptimizeCommand.DefaultReferenceSeeds("table:x.csv"));
        Assert.Equal(1, OptimizeCommand.DefaultReferenceSeeds("synthetic:critical-10-2-1"));
        var script = Path.GetTempFileName();
        File.WriteAllText(script, "echo '{\"accuracy\": 90}'\n");
        var log = Path.GetTempFileName();
        var (code, _, e) = CliRunner.Run("optimize", "--oracle", $"command:/bin/sh {script}", "--sites", "4", "--objective", "sites",
            "--budget", "5", "--out", log, "--force", "-q");
        var refs = File.ReadAllLines(log).Count(l => l.Contains("\"observation\"") && l.Contains("\"round\":0"));
        File.Delete(script); File.Delete(log);
        Assert.True(code == 0, e);
        Assert.Equal(3, refs);
    }

    [Fact]
    public void AReferenceNearChanceWarnsThatTheStudyIsSearchingOnNoise()
    {
        var script = Path.GetTempFileName();
        File.WriteAllText(script, "echo '{\"accuracy\": 11}'\n"); // resnet20 has 10 classes: chance is 10 %
        var log = Path.GetTempFileName();
        var (code, o, err) = CliRunner.Run("optimize", "--net", "resnet20", "--oracle", $"command:/bin/sh {script}",
            "--budget", "4", "--candidates", "200", "--out", log, "--force", "--json");
        File.Delete(script); File.Delete(log);
        Assert.True(code == 0, err);
        JsonDocument.Parse(o); // stdout is still one JSON document
        Assert.Single(err.Split('\n'), l => l.Contains("searching on noise"));
    }

    [Theory]
    [InlineData(11.0, 10, true)]
    [InlineData(14.9, 10, true)]
    [InlineData(60.0, 10, false)]
    [InlineData(5.5, 100, true)]
    [InlineData(30.0, 100, false)]
    public void TheNoiseWarningFiresOnlyWithinAFewPointsOfChance(double reference, int classes, bool warns)
    {
        Assert.Equal(warns, OptimizeCommand.NoiseWarning(reference, classes, "accuracy") is not null);
        Assert.Null(OptimizeCommand.NoiseWarning(reference, classes, "score")); // a proxy score has no chance level
        Assert.Null(OptimizeCommand.NoiseWarning(reference, null, "accuracy"));
    }

    [Fact]
    public void TheProxyOracleIsLabelledAScoreInJsonAndInTheLog()
    {
        Assert.Equal("score", OptimizeCommand.Metric("proxy"));
        Assert.Equal("score", OptimizeCommand.Metric("proxy:batch=64"));
        Assert.Equal("accuracy", OptimizeCommand.Metric("train:epochs=5"));
        var cfg = new StudyConfig { Network = "resnet20", SiteCount = 19, Objective = "time", Oracle = "proxy", Method = "bo" };
        Assert.Equal("score", StudyLog.HeaderJson(cfg)["metric"]!.GetValue<string>());
        Assert.Equal("accuracy", StudyLog.HeaderJson(cfg with { Oracle = "table:t.csv" })["metric"]!.GetValue<string>());
        var r = Optimize("--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "3", "--candidates", "200");
        Assert.Equal("accuracy", r.GetProperty("metric").GetString());
    }
}
