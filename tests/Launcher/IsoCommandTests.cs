using System.Text.Json;

namespace DeepTrain.Tests.Launcher;

/// <summary>`estimate --iso` through the real command line.</summary>
public class IsoCommandTests
{
    [Fact]
    public void IsoJsonCarriesBothSpeedupsAndTheScaledTilesAndChips()
    {
        var (code, o, _) = CliRunner.Run("estimate", "--net", "resnet50", "--gpu", "v100", "--iso", "both", "--json");
        Assert.Equal(0, code);
        var j = JsonDocument.Parse(o).RootElement;
        Assert.Equal(815, j.GetProperty("gpuAreaMm2").GetDouble());
        Assert.Equal(300, j.GetProperty("gpuPowerWatts").GetDouble());
        var area = j.GetProperty("iso").GetProperty("area");
        Assert.InRange(area.GetProperty("areaMm2").GetDouble(), 815 * 0.99, 815 * 1.01);
        Assert.Equal(area.GetProperty("tiles").GetInt32(), j.GetProperty("isoAreaTiles").GetInt32());
        Assert.Equal(area.GetProperty("chips").GetInt32(), j.GetProperty("isoAreaChips").GetInt32());
        double gpuTime = j.GetProperty("gpuTimePerBatchSeconds").GetDouble();
        Assert.Equal(gpuTime / area.GetProperty("timePerBatchSeconds").GetDouble(), j.GetProperty("isoAreaSpeedupVsGpu").GetDouble(), 12);
        var power = j.GetProperty("iso").GetProperty("power");
        Assert.Equal(gpuTime / power.GetProperty("timePerBatchSeconds").GetDouble(), j.GetProperty("isoPowerSpeedupVsGpu").GetDouble(), 12);
        Assert.True(j.GetProperty("isoPowerTiles").GetInt32() > 0 && j.GetProperty("isoPowerChips").GetInt32() >= 1);
        // The 222 mm² preset is smaller than the die: matching the die gives more tiles and a larger speedup.
        Assert.True(j.GetProperty("isoAreaTiles").GetInt32() > 512);
    }

    [Fact]
    public void IsoAreaOnlyLeavesThePowerFieldsNull()
    {
        var (code, o, _) = CliRunner.Run("estimate", "--net", "resnet20", "--iso", "area", "--json");
        Assert.Equal(0, code);
        var j = JsonDocument.Parse(o).RootElement;
        Assert.Equal(JsonValueKind.Number, j.GetProperty("isoAreaSpeedupVsGpu").ValueKind);
        Assert.Equal(JsonValueKind.Null, j.GetProperty("isoPowerSpeedupVsGpu").ValueKind);
    }

    [Fact]
    public void IsoTextNamesTheScaledChipsFields()
    {
        var (code, o, _) = CliRunner.Run("estimate", "--net", "resnet20", "--gpu", "a100", "--iso", "area");
        Assert.Equal(0, code);
        Assert.Contains("iso-area", o);
        Assert.Contains("organization.tiles", o);
    }

    [Fact]
    public void AnUnreachableBudgetIsOneLineNamingTheSmallestAreaAndPower()
    {
        var (code, o, err) = CliRunner.Run("estimate", "--net", "vgg19", "--gpu", "gtx1080", "--iso", "area");
        Assert.Equal(2, code);
        Assert.Equal("", o);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("mm²", err);
        Assert.Contains(" W", err);
        Assert.Contains("smallest", err);
    }

    [Fact]
    public void AnUnknownIsoWordIsOneLine()
    {
        var (code, _, err) = CliRunner.Run("estimate", "--net", "resnet20", "--iso", "volume");
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("--iso", err);
    }
}
