using DeepTrain.Model.Gpu;
using DeepTrain.Reports.Data;

namespace DeepTrain.Reports.Adapters;

/// <summary>From the GPU baseline (<see cref="GpuBaseline"/>) to <see cref="DeviceResult"/>: renaming only.</summary>
public static class GpuAdapters
{
    /// <summary>Display name of a GPU preset: "v100" → "V100", "gtx1080" → "GTX 1080".</summary>
    public static string DeviceName(string gpu, GpuPrecision precision = GpuPrecision.Fp32)
    {
        string n = gpu.ToUpperInvariant();
        if (n.StartsWith("GTX", StringComparison.Ordinal) && n.Length > 3 && char.IsDigit(n[3])) n = "GTX " + n[3..];
        return precision == GpuPrecision.Fp32 ? n : $"{n} {precision}";
    }

    public static DeviceResult ToDevice(GpuEstimate g) =>
        new(DeviceName(g.Gpu, g.Precision), g.ImagesPerSecond, g.EnergyPerImageJoules);
}
