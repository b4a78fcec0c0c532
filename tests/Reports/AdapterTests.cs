using DeepTrain.Model.Gpu;
using DeepTrain.Model.Workloads;
using DeepTrain.Reports.Adapters;

namespace DeepTrain.Tests.Reports;

/// <summary>Adapters only rename and regroup the model's numbers.</summary>
public class AdapterTests
{
    [Theory]
    [InlineData("v100", "V100")]
    [InlineData("gtx1080", "GTX 1080")]
    [InlineData("h100", "H100")]
    public void GpuDeviceCarriesTheBaselineNumbers(string preset, string name)
    {
        var net = Zoo.Get("resnet20");
        var g = new GpuBaseline(net, GpuSpec.Load(preset), 64).Estimate(SiteMask.All(net.SiteCount));
        var d = GpuAdapters.ToDevice(g);
        Assert.Equal(name, d.Device);
        Assert.Equal(g.ImagesPerSecond, d.ImagesPerSecond);
        Assert.Equal(g.EnergyPerImageJoules, d.JoulesPerImage);
        Assert.True(d.ImagesPerSecond > 0 && d.JoulesPerImage > 0);
    }

    [Fact]
    public void MixedPrecisionIsNamed() => Assert.Equal("A100 Mixed", GpuAdapters.DeviceName("a100", GpuPrecision.Mixed));
}
