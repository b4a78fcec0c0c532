using DeepTrain.Launcher.Output;
using DeepTrain.Model;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Gpu;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Launcher.Commands;

/// <summary>`estimate --iso area|power|both`: the chip scaled to the GPU's die area and/or board power
/// (<see cref="IsoScaling"/>), with its speedup against the same GPU figures. docs/MODEL.md, "Iso-area and iso-power".</summary>
public sealed record IsoComparison(GpuComparison Gpu, GpuSpec GpuSpec, ScaledChip? Area, ScaledChip? Power)
{
    public const string OptionHelp = "area, power or both: scale tiles to the GPU's die area / power.";

    public static (bool Area, bool Power) ParseTargets(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" => (false, false),
        "area" => (true, false),
        "power" => (false, true),
        "both" or "area,power" or "power,area" => (true, true),
        _ => throw new UserError($"--iso '{text}' is not one of area, power, both"),
    };

    public static IsoComparison Compute(string gpu, GpuComparison g, bool area, bool power, Network net, ArchSpec spec, int batch, SiteMask mask)
    {
        var gs = GpuSpec.Load(gpu);
        ScaledChip? a = null, p = null;
        if (area)
        {
            if (!(gs.DieAreaMm2 > 0)) throw new SpecError($"GPU '{gs.Name}' gives no dieAreaMm2, so --iso area has nothing to match");
            a = IsoScaling.ToArea(net, spec, batch, mask, gs.DieAreaMm2, $"the {gs.Name} die");
        }
        if (power) p = IsoScaling.ToPower(net, spec, batch, mask, gs.BoardPowerWatts, $"the {gs.Name} board");
        return new IsoComparison(g, gs, a, p);
    }

    public double? SpeedupAtArea => Area is null ? null : Gpu.TimePerBatchSeconds / Area.Estimate.TimePerBatchSeconds;
    public double? SpeedupAtPower => Power is null ? null : Gpu.TimePerBatchSeconds / Power.Estimate.TimePerBatchSeconds;

    /// <summary>Fields `estimate --json` adds with --iso.</summary>
    public void AddJson(IDictionary<string, object?> o)
    {
        o["gpuAreaMm2"] = GpuSpec.DieAreaMm2 > 0 ? GpuSpec.DieAreaMm2 : null;
        o["gpuPowerWatts"] = GpuSpec.BoardPowerWatts;
        o["isoAreaSpeedupVsGpu"] = SpeedupAtArea;
        o["isoPowerSpeedupVsGpu"] = SpeedupAtPower;
        o["isoAreaTiles"] = Area?.Tiles;
        o["isoAreaChips"] = Area?.Chips;
        o["isoPowerTiles"] = Power?.Tiles;
        o["isoPowerChips"] = Power?.Chips;
        o["iso"] = new Dictionary<string, object?> { ["area"] = Json(Area), ["power"] = Json(Power) };
    }

    private object? Json(ScaledChip? c) => c is null ? null : new
    {
        target = c.Target.ToString().ToLowerInvariant(), targetValue = c.TargetValue, tiles = c.Tiles, chips = c.Chips,
        crossbarsAvailable = c.Estimate.CrossbarsAvailable, crossbarsUsed = c.Estimate.CrossbarsUsed,
        areaMm2 = c.Estimate.AreaMm2, averagePowerWatts = c.Estimate.AveragePowerWatts,
        timePerBatchSeconds = c.Estimate.TimePerBatchSeconds, imagesPerSecond = c.Estimate.ImagesPerSecond,
        energyPerImageJoules = c.Estimate.EnergyPerImageJoules,
        relativeError = c.RelativeError, speedupVsGpu = Gpu.TimePerBatchSeconds / c.Estimate.TimePerBatchSeconds,
        energyRatioVsGpu = Gpu.EnergyPerImageJoules / c.Estimate.EnergyPerImageJoules,
    };

    public void WriteText(TextWriter w)
    {
        foreach (var c in new[] { Area, Power })
        {
            if (c is null) continue;
            var e = c.Estimate;
            string what = c.Target == IsoTarget.Area
                ? $"iso-area ({Units.SquareMillimetres(c.TargetValue)}, the {Gpu.Name} die)"
                : $"iso-power ({Units.Watts(c.TargetValue)}, the {Gpu.Name} board)";
            w.WriteLine($"  {what}: organization.tiles {c.Tiles}, chips {c.Chips}, crossbars {e.CrossbarsUsed}/{e.CrossbarsAvailable}");
            w.WriteLine($"    area {Units.SquareMillimetres(e.AreaMm2)}, average power {Units.Watts(e.AveragePowerWatts)}, "
                        + $"time per batch {Units.Seconds(e.TimePerBatchSeconds)}, images/s {Units.Count(e.ImagesPerSecond)}, "
                        + $"energy per image {Units.Joules(e.EnergyPerImageJoules)}");
            if (c.RelativeError > IsoScaling.Tolerance)
                w.WriteLine($"    (nearest reachable: power jumps by more than {IsoScaling.Tolerance:P0} between neighbouring tile counts here)");
            w.WriteLine($"    speedup {Units.Ratio(Gpu.TimePerBatchSeconds / e.TimePerBatchSeconds)}, "
                        + $"energy ratio {Units.Ratio(Gpu.EnergyPerImageJoules / e.EnergyPerImageJoules)}");
        }
    }
}
