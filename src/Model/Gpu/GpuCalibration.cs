using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Gpu;

/// <summary>A published, measured training throughput.</summary>
/// <param name="IncludesOptimizer">False when the measurement times forward + backward only.</param>
public sealed record PublishedThroughput(string Network, string Gpu, GpuPrecision Precision, int BatchSize,
                                         double ImagesPerSecond, bool IncludesOptimizer, string Source);

/// <summary>
/// The measurements the GPU baseline was calibrated on (once) and checked against (never fitted), and the solver
/// that turned the former into <see cref="GpuEfficiencies.Calibrated"/>. See docs/GPU.md.
/// </summary>
public static class GpuCalibration
{
    private const string NvidiaRn50 =
        "NVIDIA DeepLearningExamples, PyTorch/Classification/ConvNets/resnet50v1.5/README.md, 'Training performance' tables "
        + "(pytorch-21.03 NGC container, 1 GPU); batch sizes from ConvNets/configs.yml";
    private const string JohnsonBench =
        "J. Johnson, cnn-benchmarks README (github.com/jcjohnson/cnn-benchmarks): Torch, cuDNN 5.1.05, batch 16, "
        + "forward + backward time per batch";

    /// <summary>Calibration point for <see cref="GpuEfficiencies.CudaCoreCompute"/>.</summary>
    public static PublishedThroughput V100Fp32 { get; } =
        new("resnet50", "v100", GpuPrecision.Fp32, 112, 367, true, NvidiaRn50 + ": DGX-1 16GB, FP32, 367 img/s");

    /// <summary>Calibration point for <see cref="GpuEfficiencies.TensorCoreCompute"/>.</summary>
    public static PublishedThroughput V100Mixed { get; } =
        new("resnet50", "v100", GpuPrecision.Mixed, 256, 1200, true, NvidiaRn50 + ": DGX-1 16GB, mixed precision, 1200 img/s");

    /// <summary>Measurements NOT used for calibration.</summary>
    public static IReadOnlyList<PublishedThroughput> Holdout { get; } =
    [
        new("resnet50", "a100", GpuPrecision.Tf32, 256, 938, true, NvidiaRn50 + ": DGX A100 80GB, TF32, 938 img/s"),
        new("resnet50", "a100", GpuPrecision.Mixed, 256, 2470, true, NvidiaRn50 + ": DGX A100 80GB, mixed precision, 2470 img/s"),
        // fb.resnet.torch ResNet-50 is v1 (stride in the first 1x1 conv): slightly fewer MACs than torchvision's v1.5.
        new("resnet50", "gtx1080", GpuPrecision.Fp32, 16, 16 / 0.14982, false, JohnsonBench + ": GTX 1080 ResNet-50 149.82 ms"),
        new("vgg16", "gtx1080", GpuPrecision.Fp32, 16, 16 / 0.18279, false, JohnsonBench + ": GTX 1080 VGG-16 182.79 ms"),
        new("resnet152", "gtx1080", GpuPrecision.Fp32, 16, 16 / 0.31430, false, JohnsonBench + ": GTX 1080 ResNet-152 314.30 ms"),
    ];

    /// <summary>Images per second the baseline predicts for a measurement's setting (reference mask: all sites for
    /// normalized networks), excluding the optimizer when the measurement does.</summary>
    public static double Predict(PublishedThroughput m, GpuEfficiencies efficiencies)
    {
        var net = Zoo.Get(m.Network);
        var g = new GpuBaseline(net, GpuSpec.Load(m.Gpu), m.BatchSize, m.Precision, efficiencies);
        var est = g.Estimate(net.ReferenceMask);
        double t = est.TimePerBatchSeconds - (m.IncludesOptimizer ? 0 : est.OptimizerSeconds);
        return m.BatchSize / t;
    }

    /// <summary>
    /// Solves for the compute efficiency (CUDA-core for FP32, tensor-core otherwise) that makes the prediction equal
    /// the measurement, with the memory efficiency fixed. Bisection: predicted throughput rises monotonically with
    /// the compute efficiency.
    /// </summary>
    public static double SolveComputeEfficiency(PublishedThroughput m, double memoryEfficiency = GpuEfficiencies.AssumedMemoryEfficiency)
    {
        GpuEfficiencies With(double x) => m.Precision == GpuPrecision.Fp32 ? new(x, 1, memoryEfficiency) : new(1, x, memoryEfficiency);
        double lo = 1e-4, hi = 1;
        if (Predict(m, With(hi)) < m.ImagesPerSecond)
            throw new SpecError($"cannot calibrate on {m.Gpu} {m.Network}: even at 100% compute efficiency the baseline is slower than {m.ImagesPerSecond:F0} img/s");
        for (int i = 0; i < 60; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Predict(m, With(mid)) < m.ImagesPerSecond) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
