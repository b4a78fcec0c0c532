using System.Text.Json;
using DeepTrain.Launcher.Commands;
using DeepTrain.Tests.Support;

namespace DeepTrain.Tests.Launcher;

/// <summary>`arch`, `estimate` and `pareto` through the real command line.</summary>
public class ModelCommandTests
{
    static ModelCommandTests()
    {
        var fallback = NetworkSource.Resolver;
        NetworkSource.Resolver = n => n.StartsWith("testchain", StringComparison.Ordinal)
            ? TestNetworks.Chain(int.Parse(n["testchain".Length..]), 16, 32, name: n) : fallback(n);
    }

    private static void OneLineError(int code, string err, string mention)
    {
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains(mention, err);
    }

    [Fact]
    public void ArchJsonHasTotalsAndComponents()
    {
        var (code, o, _) = CliRunner.Run("arch", "--arch", "isaac", "--json");
        Assert.Equal(0, code);
        var j = JsonDocument.Parse(o).RootElement;
        Assert.Equal(16128, j.GetProperty("crossbars").GetInt64());
        Assert.InRange(j.GetProperty("areaMm2").GetDouble(), 85.4 * 0.98, 85.4 * 1.02);
        Assert.InRange(j.GetProperty("peakPowerWatts").GetDouble(), 65.8 * 0.98, 65.8 * 1.02);
        Assert.True(j.GetProperty("components").GetArrayLength() >= 10);
    }

    [Fact]
    public void ArchTextFitsOneHundredColumns()
    {
        var (code, o, _) = CliRunner.Run("arch", "--arch", "deeptrain");
        Assert.Equal(0, code);
        Assert.Contains("mm²", o);
        foreach (var line in o.Split('\n')) Assert.True(line.Length <= 100, line);
    }

    [Fact]
    public void ArchUnknownPresetIsOneLine()
    {
        var (code, _, err) = CliRunner.Run("arch", "--arch", "nosuch");
        OneLineError(code, err, "nosuch");
    }

    [Fact]
    public void EstimateJsonHasTheRequiredFields()
    {
        var (code, o, e) = CliRunner.Run("estimate", "--net", "testchain20", "--arch", "deeptrain", "--batch", "32", "--norm", "every:2", "--json");
        Assert.True(code == 0, e);
        var j = JsonDocument.Parse(o).RootElement;
        foreach (var f in new[] { "timePerBatchSeconds", "imagesPerSecond", "energyPerImageJoules", "averagePowerWatts", "areaMm2",
                                  "activeSites", "gpuTimePerBatchSeconds", "gpuImagesPerSecond", "speedupVsGpu", "energyRatioVsGpu",
                                  "lifetimeBatches", "segments" })
            Assert.True(j.TryGetProperty(f, out _), f);
        Assert.Equal(10, j.GetProperty("activeSites").GetInt32());
        Assert.Equal(2 * 10 + 1, j.GetProperty("segments").GetArrayLength());
        double t = j.GetProperty("timePerBatchSeconds").GetDouble(), g = j.GetProperty("gpuTimePerBatchSeconds").GetDouble();
        Assert.True(t > 0 && g > 0);
        Assert.Equal(g / t, j.GetProperty("speedupVsGpu").GetDouble(), 9);
        Assert.Equal(32 / g, j.GetProperty("gpuImagesPerSecond").GetDouble(), 6);
        Assert.Equal(j.GetProperty("gpuEnergyPerImageJoules").GetDouble() / j.GetProperty("energyPerImageJoules").GetDouble(),
                     j.GetProperty("energyRatioVsGpu").GetDouble(), 9);
    }

    [Fact]
    public void PlainEstimateRunsOnDefaults()
    {
        var (code, o, e) = CliRunner.Run("estimate");
        Assert.True(code == 0, e);
        Assert.Contains("resnet50 on deeptrain: batch 64, 53/53", o);
        Assert.Contains("GPU v100", o);
    }

    [Fact]
    public void EstimateOnAZooNetworkMatchesTheScalarEvaluator()
    {
        var (code, o, _) = CliRunner.Run("estimate", "--net", "resnet20", "--arch", "isaac", "--batch", "128", "--norm", "first:5", "--json");
        Assert.Equal(0, code);
        var net = DeepTrain.Model.Workloads.Zoo.Get("resnet20");
        var expect = new DeepTrain.Model.Evaluation.ScalarEvaluator(DeepTrain.Model.Evaluation.ModelTables.Build(
            net, DeepTrain.Model.Hardware.ArchSpec.Load("isaac"), 128)).TimePerBatchSeconds(
            DeepTrain.Model.Evaluation.NormPlacement.Parse("first:5", net.SiteCount));
        Assert.Equal(expect, JsonDocument.Parse(o).RootElement.GetProperty("timePerBatchSeconds").GetDouble(), 12);
    }

    [Fact]
    public void EstimateDetailPrintsBreakdownsWithinOneHundredColumns()
    {
        var (code, o, e) = CliRunner.Run("estimate", "--net", "testchain8", "--norm", "first:3", "--detail");
        Assert.True(code == 0, e);
        Assert.Contains("makespan", o);
        Assert.Contains("conv8", o);
        foreach (var line in o.Split('\n')) Assert.True(line.Length <= 100, line);
    }

    [Theory]
    [InlineData("--norm", "mask:0101", "mask")]
    [InlineData("--norm", "every:0", "every:0")]
    [InlineData("--norm", "sometimes", "sometimes")]
    [InlineData("--batch", "0", "--batch")]
    [InlineData("--arch", "nosuch.json", "nosuch.json")]
    [InlineData("--gpu", "tpu9", "tpu9")]
    [InlineData("--gpu-precision", "fp8", "fp8")]
    [InlineData("--net", "resnet9000", "resnet9000")]
    public void EstimateBadInputIsOneLineAndExitCode2(string option, string value, string mention)
    {
        var (code, _, err) = option == "--net" ? CliRunner.Run("estimate", option, value) : CliRunner.Run("estimate", "--net", "testchain8", option, value);
        OneLineError(code, err, mention);
    }

    [Fact]
    public void ParetoListsEveryK()
    {
        var (code, o, e) = CliRunner.Run("pareto", "--net", "testchain6", "--arch", "isaac", "--batch", "16", "--json");
        Assert.True(code == 0, e);
        var p = JsonDocument.Parse(o).RootElement.GetProperty("placements");
        Assert.Equal(7, p.GetArrayLength());
        for (int k = 0; k <= 6; k++)
        {
            Assert.Equal(k, p[k].GetProperty("k").GetInt32());
            Assert.Equal(k, p[k].GetProperty("mask").GetString()!.Count(c => c == '1'));
        }
        var (code2, text, _) = CliRunner.Run("pareto", "--net", "testchain6", "--batch", "16");
        Assert.Equal(0, code2);
        Assert.Contains("time/batch", text);
    }
}

public class ModelCommandHelpTests
{
    [Theory]
    [InlineData("arch")]
    [InlineData("estimate")]
    [InlineData("pareto")]
    public void HelpExistsAndFitsOneHundredColumns(string command)
    {
        var (code, o, _) = CliRunner.Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("--json", o);
        foreach (var line in o.Split('\n')) Assert.True(line.Length <= 100, line);
    }
}
