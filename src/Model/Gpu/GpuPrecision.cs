namespace DeepTrain.Model.Gpu;

/// <summary>Arithmetic of the GPU baseline's convolutions and linear layers.</summary>
public enum GpuPrecision
{
    /// <summary>FP32 on CUDA cores; 4-byte activations and weights.</summary>
    Fp32,
    /// <summary>TF32 tensor cores (Ampere and later); 4-byte tensors in memory.</summary>
    Tf32,
    /// <summary>Automatic mixed precision: FP16 tensor cores, 2-byte activations, FP32 master weights.</summary>
    Mixed,
}
