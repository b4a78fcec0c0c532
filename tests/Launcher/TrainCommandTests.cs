using System.Text.Json;

namespace DeepTrain.Tests.Launcher;

public class TrainCommandTests
{
    [Fact]
    public void JsonHasAccuracyLossAndSecondsAndTheMaskUsed()
    {
        var (code, o, e) = CliRunner.Run("train", "--net", "plain4w4", "--norm", "first:2", "--epochs", "1",
            "--train-images", "128", "--test-images", "50", "--threads", "2", "--json", "--quiet");
        Assert.True(code == 0, e);
        using var doc = JsonDocument.Parse(o);
        var r = doc.RootElement;
        Assert.InRange(r.GetProperty("accuracy").GetDouble(), 0, 100);
        Assert.True(r.GetProperty("trainLoss").GetDouble() > 0);
        Assert.True(r.GetProperty("seconds").GetDouble() > 0);
        Assert.Equal("1100", r.GetProperty("mask").GetString());
        Assert.Equal("", e);
    }

    [Fact]
    public void TextOutputAndProgressLines()
    {
        var (code, o, e) = CliRunner.Run("train", "--net", "plain3w4", "--norm", "mask:010", "--epochs", "1",
            "--train-images", "64", "--test-images", "20", "--threads", "1");
        Assert.True(code == 0, e);
        Assert.Contains("accuracy", o);
        Assert.Contains("train loss", o);
        Assert.Contains("1 of 3 normalization sites: 010", o);
        Assert.Contains("train plain3w4", e);
        Assert.DoesNotContain('\u001b', e);
    }

    [Theory]
    [InlineData("mask:0101")]
    [InlineData("every:0")]
    [InlineData("bogus")]
    public void BadNormIsOneLineAndExitCode2(string norm)
    {
        var (code, _, e) = CliRunner.Run("train", "--net", "plain3w4", "--norm", norm, "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Single(e.TrimEnd().Split('\n'));
    }
}

public class TrainExportAndProxyCliTests
{
    [Fact]
    public void ExportWritesWeightsBatchesAndOneLossPerStep()
    {
        string dir = Path.Combine(Path.GetTempPath(), "deeptrain-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, o, e) = CliRunner.Run("train", "--net", "plain3w4", "--norm", "mask:101", "--batch", "16",
                "--train-images", "64", "--test-images", "8", "--export", dir, "--export-steps", "3", "--threads", "1");
            Assert.True(code == 0, e);
            Assert.Contains("exported 3 steps", o);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "network.json")));
            var r = doc.RootElement;
            Assert.Equal(3, r.GetProperty("losses").GetArrayLength());
            Assert.Equal("101", r.GetProperty("mask").GetString());
            long paramCount = r.GetProperty("parameters").EnumerateArray().Sum(p => p.GetProperty("size").GetInt64());
            Assert.Equal(paramCount * 4, new FileInfo(Path.Combine(dir, "params.bin")).Length);
            Assert.Equal(3 * 16 * 256 * 4, new FileInfo(Path.Combine(dir, "batches.bin")).Length);
            Assert.Equal(3 * 16 * 4, new FileInfo(Path.Combine(dir, "labels.bin")).Length);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void ProxyIsLabelledAProxy()
    {
        var (code, o, e) = CliRunner.Run("train", "--net", "plain3w4", "--norm", "all", "--proxy", "--train-images", "64",
            "--test-images", "8", "--threads", "1");
        Assert.True(code == 0, e);
        Assert.Contains("proxy (not an accuracy)", o);
    }
}
