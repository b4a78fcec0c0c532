using DeepTrain.Model.Gpu;
using Xunit.Abstractions;

namespace DeepTrain.Tests.Gpu;

/// <summary>The calibration is reproducible and the baseline predicts measurements it was not fitted to.</summary>
public class GpuCalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void StoredEfficienciesAreTheSolutionOfTheCalibration()
    {
        double cuda = GpuCalibration.SolveComputeEfficiency(GpuCalibration.V100Fp32);
        double tensor = GpuCalibration.SolveComputeEfficiency(GpuCalibration.V100Mixed);
        output.WriteLine($"solved: cuda-core {cuda:F4}, tensor-core {tensor:F4}");
        Assert.Equal(cuda, GpuEfficiencies.Calibrated.CudaCoreCompute, 3);
        Assert.Equal(tensor, GpuEfficiencies.Calibrated.TensorCoreCompute, 3);
    }

    [Fact]
    public void V100ResNet50Fp32MatchesTheCalibrationMeasurement()
    {
        var m = GpuCalibration.V100Fp32;
        double p = GpuCalibration.Predict(m, GpuEfficiencies.Calibrated);
        Assert.InRange(p / m.ImagesPerSecond, 0.99, 1.01); // 367 img/s, NVIDIA DeepLearningExamples
        Assert.InRange(p / m.ImagesPerSecond, 0.7, 1.3);
    }

    [Fact]
    public void V100ResNet50MixedMatchesTheCalibrationMeasurement()
    {
        var m = GpuCalibration.V100Mixed;
        Assert.InRange(GpuCalibration.Predict(m, GpuEfficiencies.Calibrated) / m.ImagesPerSecond, 0.99, 1.01);
    }

    [Theory]
    [InlineData("resnet50", "a100", GpuPrecision.Mixed)] // NVIDIA: 2470 img/s, never fitted
    [InlineData("vgg16", "gtx1080", GpuPrecision.Fp32)]  // Johnson cnn-benchmarks: 182.79 ms per 16 images, never fitted
    public void UncalibratedMeasurementsLandWithinThirtyPercent(string network, string gpu, GpuPrecision precision)
    {
        var m = GpuCalibration.Holdout.Single(h => h.Network == network && h.Gpu == gpu && h.Precision == precision);
        double ratio = GpuCalibration.Predict(m, GpuEfficiencies.Calibrated) / m.ImagesPerSecond;
        output.WriteLine($"{network} {gpu} {precision}: predicted/measured = {ratio:F3}");
        Assert.InRange(ratio, 0.7, 1.3);
    }

    [Fact]
    public void HoldoutRatiosAreThoseDocumentedInGpuMd()
    {
        // docs/GPU.md reports every holdout ratio to two decimals, including those outside ±30 %.
        string doc = File.ReadAllText(Path.Combine(Workloads.NetworkJsonTests.RepoRoot(), "docs", "GPU.md"));
        var rows = new List<string>();
        foreach (var m in GpuCalibration.Holdout)
        {
            double ratio = GpuCalibration.Predict(m, GpuEfficiencies.Calibrated) / m.ImagesPerSecond;
            rows.Add($"| {m.Network} | {m.Gpu} | {m.Precision} | {m.BatchSize} | {m.ImagesPerSecond:F0} | {ratio * m.ImagesPerSecond:F0} | {ratio:F2} |");
        }
        foreach (var r in rows) output.WriteLine(r);
        foreach (var r in rows) Assert.Contains(r, doc);
    }
}
