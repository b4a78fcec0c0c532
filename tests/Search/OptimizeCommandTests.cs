using DeepTrain.Tests.Support;
using System.Text.Json;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Search;

public class OptimizeCommandTests
{
    [Fact]
    public void SyntheticStudyFindsTheOptimumAndPrintsJson()
    {
        var log = Path.GetTempFileName();
        var (code, o, e) = CliRunner.Run("optimize", "--oracle", "synthetic:critical-16-4-3", "--objective", "sites",
            "--budget", "48", "--candidates", "3000", "--out", log, "--json");
        Assert.True(code == 0, e);
        using var doc = JsonDocument.Parse(o);
        var r = doc.RootElement;
        Assert.Equal(4, r.GetProperty("activeSites").GetInt32());
        Assert.Equal(48, r.GetProperty("oracleCalls").GetInt32());
        Assert.Equal(92.0, r.GetProperty("referenceAccuracy").GetDouble());
        Assert.True(r.GetProperty("accuracy").GetDouble() >= 91.5);
        foreach (var k in new[] { "mask", "timePerBatchSeconds", "speedupVsAllSites", "speedupVsGpu" }) Assert.True(r.TryGetProperty(k, out _), k);
        Assert.Equal(1 + 48 + 1 + (48 - 1 + 3) / 4, File.ReadAllLines(log).Length); // header, observations, reference ask, round asks
        File.Delete(log);
    }

    [Fact]
    public void ResumeContinuesWithoutRepeatingCallsAndMatchesAnUninterruptedRun()
    {
        string full = Path.GetTempFileName(), part = Path.GetTempFileName();
        string[] common = ["optimize", "--oracle", "synthetic:critical-16-4-2", "--objective", "sites", "--candidates", "2000",
                           "--json", "--seed", "4", "--budget", "30"];
        Assert.Equal(0, CliRunner.Run([.. common, "--out", full]).Code);
        // Simulate a kill: keep the first 17 lines and half of the 18th (a torn write).
        var lines = File.ReadAllLines(full);
        File.WriteAllText(part, string.Join("\n", lines[..17]) + "\n" + lines[17][..(lines[17].Length / 2)]);
        var (code, o, e) = CliRunner.Run([.. common, "--resume", part]);
        Assert.True(code == 0, e);
        Assert.Equal(30, JsonDocument.Parse(o).RootElement.GetProperty("oracleCalls").GetInt32());
        Assert.Equal(StudyLogLines.ObservationsWithoutTimes(full), StudyLogLines.ObservationsWithoutTimes(part));
        File.Delete(full); File.Delete(part);
    }

    [Fact]
    public void ResumeWithADifferentSeedIsRefused()
    {
        var log = Path.GetTempFileName();
        Assert.Equal(0, CliRunner.Run("optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "5", "--out", log, "-q").Code);
        var (code, _, err) = CliRunner.Run("optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "9", "--resume", log, "--seed", "2");
        Assert.Equal(2, code);
        Assert.Contains("seed", err);
        File.Delete(log);
    }

    [Fact]
    public void TableOracleWithUnknownMaskIsOneLineExit2()
    {
        var table = Path.GetTempFileName();
        File.WriteAllText(table, "mask,accuracy\n111,91\n");
        var (code, _, err) = CliRunner.Run("optimize", "--oracle", "table:" + table, "--sites", "3", "--objective", "sites",
            "--budget", "5", "--out", Path.GetTempFileName(), "-q");
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("not in", err);
        File.Delete(table);
    }

    [Fact]
    public void TimeObjectiveUsesTheModelAndReportsSpeedups()
    {
        var log = Path.GetTempFileName();
        var (code, o, e) = CliRunner.Run("optimize", "--net", "resnet20", "--objective", "time",
            "--oracle", "command:/bin/sh -c 'echo \"{\\\"accuracy\\\": 91}\"'", "--budget", "6", "--proposals", "2",
            "--candidates", "500", "--out", log, "--json");
        Assert.True(code == 0, e);
        var r = JsonDocument.Parse(o).RootElement;
        Assert.True(r.GetProperty("speedupVsAllSites").GetDouble() > 1);
        Assert.True(r.GetProperty("speedupVsGpu").GetDouble() > 0);
        Assert.True(r.GetProperty("timePerBatchSeconds").GetDouble() > 0);
        File.Delete(log);
    }

    [Fact]
    public void TimeObjectiveWithoutANetworkIsAClearError()
    {
        var (code, _, err) = CliRunner.Run("optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "time", "--out", Path.GetTempFileName());
        Assert.Equal(2, code);
        Assert.Contains("--net", err);
    }

    [Fact]
    public void HelpFitsOneHundredColumns()
    {
        var (code, o, _) = CliRunner.Run("optimize", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--oracle", o);
        foreach (var line in o.Split('\n')) Assert.True(line.Length <= 100, line);
    }
}
