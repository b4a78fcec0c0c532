namespace DeepTrain.Model.Gpu;

/// <summary>
/// Fractions of the peak rates that the GPU baseline assumes real kernels reach. Compute efficiencies were calibrated
/// once (see <see cref="GpuCalibration"/> and docs/GPU.md); the memory efficiency is an assumption fixed before
/// calibration.
/// </summary>
public sealed record GpuEfficiencies(double CudaCoreCompute, double TensorCoreCompute, double Memory)
{
    /// <summary>Assumed fraction of peak DRAM bandwidth reached by streaming (element-wise, normalization,
    /// optimizer) kernels; fixed, not fitted.</summary>
    public const double AssumedMemoryEfficiency = 0.80;

    /// <summary>
    /// The calibrated defaults. CudaCoreCompute: solved so ResNet-50 v1.5 FP32 on one V100 16 GB at batch 112 gives
    /// NVIDIA's published 367 img/s; TensorCoreCompute: solved so AMP at batch 256 gives the published 1200 img/s
    /// (NVIDIA DeepLearningExamples, PyTorch ResNet50 v1.5 README, pytorch-21.03 NGC container).
    /// <c>GpuCalibrationTests</c> re-solves both and checks these values.
    /// </summary>
    public static GpuEfficiencies Calibrated { get; } = new(CudaCoreCompute: 0.928, TensorCoreCompute: 0.743, Memory: AssumedMemoryEfficiency);

    public void Validate()
    {
        if (!(CudaCoreCompute is > 0 and <= 1)) throw new SpecError($"GPU efficiency 'cudaCoreCompute' must be in (0, 1], got {CudaCoreCompute}");
        if (!(TensorCoreCompute is > 0 and <= 1)) throw new SpecError($"GPU efficiency 'tensorCoreCompute' must be in (0, 1], got {TensorCoreCompute}");
        if (!(Memory is > 0 and <= 1)) throw new SpecError($"GPU efficiency 'memory' must be in (0, 1], got {Memory}");
    }
}
