using DeepTrain.Model;
using DeepTrain.Model.Gpu;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Gpu;

public class GpuBaselineTests
{
    [Theory]
    [InlineData("gtx1080")]
    [InlineData("v100")]
    [InlineData("a100")]
    [InlineData("h100")]
    public void PresetsLoadWithEverySourceNamed(string preset)
    {
        var g = GpuSpec.Load(preset);
        Assert.Equal(preset, g.Name);
        Assert.Equal(8, g.Sources.Count); // seven required constants and the die area
        Assert.All(g.Sources.Values, s => Assert.False(string.IsNullOrWhiteSpace(s)));
        Assert.True(g.PeakFp32Flops > 1e12 && g.MemoryBandwidthBytesPerSecond > 1e11 && g.TdpWatts > 100);
    }

    [Fact]
    public void PresetPeaksAreThePublishedFigures()
    {
        Assert.Equal(15.7e12, GpuSpec.Load("v100").PeakFp32Flops);
        Assert.Equal(125e12, GpuSpec.Load("v100").PeakFp16TensorFlops);
        Assert.Equal(900e9, GpuSpec.Load("v100").MemoryBandwidthBytesPerSecond);
        Assert.Equal(8.87e12, GpuSpec.Load("gtx1080").PeakFp32Flops);
        Assert.Equal(989e12, GpuSpec.Load("h100").PeakFp16TensorFlops);
    }

    [Theory]
    [InlineData("\"tdpWatts\": { \"value\": 300, \"source\": \"x\" }", "\"tdpWatts\": { \"value\": -3, \"source\": \"x\" }", "'tdpWatts'")]
    [InlineData("\"tdpWatts\": { \"value\": 300, \"source\": \"x\" }", "\"tdpWatts\": { \"value\": 300 }", "'tdpWatts.source'")]
    [InlineData("\"tdpWatts\": { \"value\": 300, \"source\": \"x\" },", "", "'tdpWatts' is missing")]
    [InlineData("\"tdpWatts\"", "\"tdpWatt\"", "'tdpWatt'")]
    [InlineData("\"memoryBytes\": { \"value\": 1e9", "\"memoryBytes\": { \"value\": 0", "'memoryBytes'")]
    public void InvalidSpecNamesTheField(string from, string to, string expected)
    {
        string good = """
        { "name": "g", "peakFp32Flops": { "value": 1e13, "source": "x" }, "peakTf32TensorFlops": { "value": 0, "source": "x" },
          "peakFp16TensorFlops": { "value": 0, "source": "x" }, "memoryBandwidthBytesPerSecond": { "value": 5e11, "source": "x" },
          "memoryBytes": { "value": 1e9, "source": "x" }, "tdpWatts": { "value": 300, "source": "x" },
          "kernelOverheadSeconds": { "value": 5e-6, "source": "x" } }
        """;
        Assert.Equal("g", GpuSpec.Parse(good).Name);
        string bad = good.Replace(from, to);
        Assert.NotEqual(good, bad);
        var e = Assert.Throws<SpecError>(() => GpuSpec.Parse(bad, "g.json"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void UnknownGpuListsPresets()
    {
        var e = Assert.Throws<SpecError>(() => GpuSpec.Load("rtx9090"));
        Assert.Contains("v100", e.Message);
    }

    [Fact]
    public void MixedPrecisionNeedsTensorCores()
    {
        var e = Assert.Throws<SpecError>(() => new GpuBaseline(Zoo.Get("resnet20"), GpuSpec.Load("gtx1080"), 32, GpuPrecision.Mixed));
        Assert.Contains("peakFp16TensorFlops", e.Message);
    }

    [Fact]
    public void MaskTimeIsFixedPartPlusActiveSitesAndMatchesTheBreakdown()
    {
        var net = Zoo.Get("resnet56");
        var g = new GpuBaseline(net, GpuSpec.Load("v100"), 128);
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var mask = SiteMask.FromIndices(net.SiteCount, Enumerable.Range(0, net.SiteCount).Where(_ => rng.NextDouble() < 0.5));
            double t = g.TimePerBatchSeconds(mask);
            var est = g.Estimate(mask);
            Assert.Equal(t, est.TimePerBatchSeconds, 12);
            Assert.Equal(t, est.Layers.Sum(l => l.Seconds), 9);
            // Dropping an active site never slows the GPU down.
            foreach (int s in mask.ActiveSites().Take(3)) Assert.True(g.TimePerBatchSeconds(mask.With(s, false)) < t);
        }
    }

    [Fact]
    public void EnergyIsTdpTimesTime()
    {
        var net = Zoo.Get("resnet50");
        var spec = GpuSpec.Load("v100");
        var est = new GpuBaseline(net, spec, 64).Estimate(net.ReferenceMask);
        Assert.Equal(300, est.AveragePowerWatts);
        Assert.Equal(300 * est.TimePerBatchSeconds / 64, est.EnergyPerImageJoules, 12);
        Assert.Equal(64 / est.TimePerBatchSeconds, est.ImagesPerSecond, 9);
    }

    [Fact]
    public void ConvolutionsAreComputeBoundAndNormalizationMemoryBound()
    {
        var net = Zoo.Get("vgg16_bn");
        var est = new GpuBaseline(net, GpuSpec.Load("v100"), 64).Estimate(net.ReferenceMask);
        var conv = est.Layers.First(l => l.Name == "features.3" && l.Pass == GpuPass.Forward); // 64→64 3x3 at 224x224
        Assert.True(conv.ComputeBound);
        Assert.Equal(2.0 * 64 * 64 * 9 * 224 * 224 * 64, conv.Flops);
        Assert.All(est.Layers.Where(l => l.Pass is GpuPass.NormForward or GpuPass.NormBackward or GpuPass.Optimizer),
                   l => Assert.False(l.ComputeBound));
    }

    [Fact]
    public void SiteCostScalesWithBatch()
    {
        var net = Zoo.Get("resnet20");
        var spec = GpuSpec.Load("a100");
        var g1 = new GpuBaseline(net, spec, 64);
        var g2 = new GpuBaseline(net, spec, 128);
        // Memory-bound part doubles; the per-kernel overhead (3 kernels per site) does not.
        double o = 4 * spec.KernelOverheadSeconds;
        for (int s = 0; s < net.SiteCount; s++)
            Assert.InRange((g2.SiteSeconds[s] - o) / (g1.SiteSeconds[s] - o), 1.99, 2.01);
    }
}

public class GpuBaselineAllocationTests
{
    [Fact]
    public void MaskEvaluationDoesNotAllocate()
    {
        var net = Zoo.Get("resnet152");
        var g = new GpuBaseline(net, GpuSpec.Load("h100"), 64, GpuPrecision.Mixed);
        var mask = SiteMask.FromIndices(net.SiteCount, Enumerable.Range(0, net.SiteCount).Where(i => i % 3 != 0));
        double t = g.TimePerBatchSeconds(mask); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) t += g.TimePerBatchSeconds(mask);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
        Assert.True(t > 0);
    }

    [Fact]
    public void ResNet50KernelCountFollowsTheLayerList()
    {
        var net = Zoo.Get("resnet50");
        var est = new GpuBaseline(net, GpuSpec.Load("v100"), 112).Estimate(net.ReferenceMask);
        int kernels = est.Layers.Sum(l => l.Kernels);
        // conv: 53 fwd + 2·52 + 1 bwd (conv1 has no input gradient); fc: 1 + 2; ReLU 49, add 16, max-pool 1,
        // avg-pool 1: 2·67; BN: 2·53; optimizer: 53 conv weights + fc weight and bias + 2·53 γ/β.
        Assert.Equal(53 + 105 + 3 + 134 + 106 + 161, kernels);
    }
}
