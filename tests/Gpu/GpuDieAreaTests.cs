using DeepTrain.Model;
using DeepTrain.Model.Gpu;

namespace DeepTrain.Tests.Gpu;

/// <summary>Die area and board power of the presets (docs/GPU.md, "Die area and board power").</summary>
public class GpuDieAreaTests
{
    [Theory]
    [InlineData("v100", 815, 300)]   // GV100, SXM2
    [InlineData("gtx1080", 314, 180)] // GP104
    [InlineData("a100", 826, 400)]   // GA100, SXM4
    [InlineData("h100", 814, 700)]   // GH100, SXM5
    public void PresetsCarryThePublishedDieAreaAndBoardPower(string preset, double areaMm2, double watts)
    {
        var g = GpuSpec.Load(preset);
        Assert.Equal(areaMm2, g.DieAreaMm2);
        Assert.Equal(watts, g.BoardPowerWatts);
        Assert.Contains("whitepaper", g.Sources["dieAreaMm2"]);
    }

    private static string V100WithoutArea()
    {
        var g = GpuSpec.Load("v100");
        return $$"""
        { "name": "x",
          "peakFp32Flops": { "value": 1e13, "source": "s" }, "peakTf32TensorFlops": { "value": 0, "source": "s" },
          "peakFp16TensorFlops": { "value": 0, "source": "s" }, "memoryBandwidthBytesPerSecond": { "value": 9e11, "source": "s" },
          "memoryBytes": { "value": 1.6e10, "source": "s" }, "tdpWatts": { "value": {{g.TdpWatts}}, "source": "s" },
          "kernelOverheadSeconds": { "value": 5e-6, "source": "s" } AREA }
        """;
    }

    [Fact]
    public void DieAreaIsOptionalInAUserSpec()
    {
        var g = GpuSpec.Parse(V100WithoutArea().Replace("AREA", ""));
        Assert.Equal(0, g.DieAreaMm2);
        Assert.False(g.Sources.ContainsKey("dieAreaMm2"));
    }

    [Theory]
    [InlineData(", \"dieAreaMm2\": { \"value\": -5, \"source\": \"s\" }", "'dieAreaMm2' must be > 0")]
    [InlineData(", \"dieAreaMm2\": { \"value\": 500 }", "'dieAreaMm2.source'")]
    [InlineData(", \"dieAreaMm2\": 500", "'dieAreaMm2' must be an object")]
    public void AnInvalidDieAreaNamesTheField(string field, string expected)
    {
        var e = Assert.Throws<SpecError>(() => GpuSpec.Parse(V100WithoutArea().Replace("AREA", field), "g.json"));
        Assert.Contains(expected, e.Message);
    }
}
