using DeepTrain.Tests.Support;
using System.Text.Json;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Search;

/// <summary>Issue 13 item 4: `optimize --resume LOG` with no other option continues the study with the log's settings.</summary>
public class ResumeFromLogTests
{
    [Fact]
    public void ResumeAloneContinuesAnInterruptedStudyToTheSameResult()
    {
        string full = Path.GetTempFileName(), part = Path.GetTempFileName();
        string[] settings = ["--oracle", "synthetic:critical-16-4-2", "--objective", "sites", "--candidates", "2000", "--seed", "4",
                             "--budget", "30", "--proposals", "3"];
        Assert.Equal(0, CliRunner.Run(["optimize", .. settings, "--out", full, "--force", "-q"]).Code);
        var lines = File.ReadAllLines(full);
        File.WriteAllText(part, string.Join("\n", lines[..12]) + "\n");
        var (code, o, e) = CliRunner.Run("optimize", "--resume", part, "--json");
        Assert.True(code == 0, e);
        Assert.Equal(30, JsonDocument.Parse(o).RootElement.GetProperty("oracleCalls").GetInt32());
        Assert.Equal(StudyLogLines.ObservationsWithoutTimes(full), StudyLogLines.ObservationsWithoutTimes(part));
        File.Delete(full); File.Delete(part);
    }

    [Fact]
    public void ResumeAloneWithALargerBudgetContinuesAFinishedStudy()
    {
        var log = Path.GetTempFileName();
        Assert.Equal(0, CliRunner.Run("optimize", "--oracle", "synthetic:critical-16-4-3", "--objective", "sites", "--budget", "10",
            "--candidates", "500", "--out", log, "--force", "-q").Code);
        var (code, o, e) = CliRunner.Run("optimize", "--resume", log, "--budget", "20", "--json");
        Assert.True(code == 0, e);
        var r = JsonDocument.Parse(o).RootElement;
        Assert.Equal(20, r.GetProperty("oracleCalls").GetInt32());
        Assert.Equal(20, File.ReadAllLines(log).Count(l => l.Contains("\"observation\"")));
        File.Delete(log);
    }

    [Fact]
    public void ResumeAloneKeepsTheRecordedNetworkAndImages()
    {
        var log = Path.GetTempFileName();
        var script = Path.GetTempFileName();
        File.WriteAllText(script, "echo '{\"accuracy\": 91}'\n");
        Assert.Equal(0, CliRunner.Run("optimize", "--net", "resnet20", "--images", "32", "--oracle", $"command:/bin/sh {script}",
            "--budget", "4", "--candidates", "200", "--out", log, "--force", "-q").Code);
        var header = JsonDocument.Parse(File.ReadLines(log).First()).RootElement;
        Assert.Equal("resnet20", header.GetProperty("launch").GetProperty("net").GetString());
        Assert.Equal(32, header.GetProperty("launch").GetProperty("images").GetInt32());
        var (code, o, e) = CliRunner.Run("optimize", "--resume", log, "--budget", "6", "--json");
        File.Delete(script);
        Assert.True(code == 0, e);
        var r = JsonDocument.Parse(o).RootElement;
        Assert.Equal(6, r.GetProperty("oracleCalls").GetInt32());
        Assert.Equal("resnet20", r.GetProperty("network").GetString());
        Assert.True(r.GetProperty("timePerBatchSeconds").GetDouble() > 0); // the model objective came back with the network
        File.Delete(log);
    }

    [Fact]
    public void WithoutAnOracleOrAResumeLogTheErrorSaysWhatIsMissing()
    {
        var (code, _, err) = CliRunner.Run("optimize", "--sites", "4", "--objective", "sites", "--out", Path.GetTempFileName(), "--force");
        Assert.Equal(2, code);
        Assert.Contains("--oracle", err);
        Assert.Contains("--resume", err);
    }
}
