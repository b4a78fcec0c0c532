namespace DeepTrain.Reports.Data;

/// <summary>Training throughput and energy of one device on one network (NaN = not available).</summary>
public sealed record DeviceResult(string Device, double ImagesPerSecond, double JoulesPerImage);

/// <summary>All devices on one network, e.g. DeepTrain, V100, A100 on resnet50 at batch 64.</summary>
public sealed record NetworkComparison(string Network, IReadOnlyList<DeviceResult> Devices);

/// <summary>DeepTrain (or another accelerator: the first device listed) versus GPU presets over several zoo networks:
/// images/s and energy per image.</summary>
public sealed record GpuComparison(IReadOnlyList<NetworkComparison> Networks, string Note = "");
