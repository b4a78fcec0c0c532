using System.Globalization;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Pipeline;

/// <summary>
/// Bounds that depend on the network and the spec together, checked where a <see cref="TrainingPipeline"/> is built:
/// <see cref="CheckMapping"/> before the crossbar mapping (its integer counts: crossbars, cells, chips) and
/// <see cref="CheckPipeline"/> after it (the final guard: every derived time, energy, power and area is finite and
/// non-negative, and so is the slowest and most energy-hungry mask). Each spec field and each network has its own
/// range already (<see cref="SpecRanges"/>, <see cref="NetworkBuilder"/>); these catch what their combination can
/// still do, e.g. a large network on a tiny chip needing more than <see cref="SpecRanges.MaxChips"/> chips.
/// </summary>
public static class ModelBounds
{
    /// <summary>Largest crossbar or cell count the mapping handles (2^62: exact in a long, with headroom for sums).</summary>
    public const double MaxCount = 4.611686018427388e18;

    /// <summary>Rejects a (network, spec) pair whose one weight copy needs more chips than modelled, or whose
    /// crossbar, cell or array-cycle counts would not fit 64-bit integers.</summary>
    public static void CheckMapping(Network net, ArchSpec spec)
    {
        double rows = spec.Crossbar.Rows, cols = spec.Crossbar.Cols, slices = spec.WeightSlices;
        double oneCopy = 0;
        foreach (var l in net.Layers)
        {
            if (!l.IsWeighted) continue;
            double g = l.Kind == LayerKind.Convolution ? l.Groups : 1;
            double xf = g * Math.Ceiling(l.FanIn / rows) * Math.Ceiling(l.FanOutPerGroup * slices / cols);
            double bwdFanIn = l.Kind == LayerKind.Convolution ? (double)l.KernelHeight * l.KernelWidth * l.FanOutPerGroup : l.FanOutPerGroup;
            double bwdFanOut = l.Kind == LayerKind.Convolution ? l.Input.Channels / (int)g : l.Input.Channels;
            double xb = g * Math.Ceiling(bwdFanIn / rows) * Math.Ceiling(bwdFanOut * slices / cols);
            double mvmB = l.Kind == LayerKind.Convolution ? (double)l.Input.Height * l.Input.Width : 1;
            double cycles = (double)l.MvmsPerImage * xf * 2 + mvmB * xb;
            double cells = (double)l.FanIn * l.Output.Channels * slices;
            if (cycles * spec.InputCycles > MaxCount || cells > MaxCount)
                throw new SpecError(Invariant($"spec '{spec.Name}': layer '{l.Name}' of '{net.Name}' needs {cycles:G4} array-MVMs per image on {cells:G4} cells with crossbar.weightBits/bitsPerCell = {slices} slices; at most {MaxCount:G4} are modelled"));
            oneCopy += xf * 2 + xb;
        }
        double perChip = spec.CrossbarsPerChip;
        double chips = Math.Ceiling(oneCopy / perChip);
        if (chips > SpecRanges.MaxChips)
            throw new SpecError(Invariant($"spec '{spec.Name}': '{net.Name}' needs {oneCopy:G4} crossbars for one copy of its weights, {chips:G4} chips of {perChip:G} crossbars (organization.tiles × imasPerTile × arraysPerIma); at most {SpecRanges.MaxChips} chips are modelled"));
    }

    /// <summary>The final guard: throws <see cref="SpecError"/> naming the spec (and the fields behind the
    /// quantity) when any derived number of <paramref name="p"/> is NaN, infinite or negative, or when the slowest
    /// mask's time or energy would be.</summary>
    public static void CheckPipeline(TrainingPipeline p)
    {
        // The pipeline itself is the subject of every message; its name is formatted only when a check fails, so the
        // guard allocates nothing per configuration on the sweep path.
        var who = p;
        double stageSum = 0;
        for (int i = 0; i < p.StageCount; i++)
        {
            Finite(who, "forward stage time", p.ForwardSeconds[i], "crossbar.readCycleSeconds, crossbar.adcSamplesPerSecond, crossbar.inputBits/dacBits");
            Finite(who, "backward stage time", p.BackwardSeconds[i], "crossbar.readCycleSeconds, crossbar.adcSamplesPerSecond, crossbar.inputBits/dacBits");
            stageSum += p.ForwardSeconds[i] + p.BackwardSeconds[i];
        }
        double siteSeconds = 0, siteJoules = 0;
        foreach (var c in p.Sites)
        {
            Finite(who, "normalization-unit time of a site", c.NormUnitSeconds, "normUnits.count/lanes/clockHz");
            Finite(who, "site transfer time", c.TransferSeconds, "noc.bandwidthBytesPerSecond or dram.bandwidthBytesPerSecond");
            Finite(who, "site DRAM spill time", c.SpillSeconds, "dram.bandwidthBytesPerSecond");
            Finite(who, "site energy", c.Joules, "normUnits.energyPerOpJoules, noc/dram.energyPerBitJoules");
            siteSeconds += c.Seconds; siteJoules += c.Joules;
        }
        Finite(who, "weight update time", p.Update.Seconds, "crossbar.writeLatencySeconds, crossbar.writeEnergyJoules, components[].powerWatts");
        Finite(who, "weight update energy", p.Update.Joules, "crossbar.writeEnergyJoules");
        Finite(who, "lifetime", p.Update.LifetimeBatches, "crossbar.enduranceCycles");
        Finite(who, "compute energy per image", p.ComputeJoulesPerImage, "components[].powerWatts, crossbar.readCycleSeconds");
        Finite(who, "input energy per image", p.InputJoulesPerImage, "imageBits, dram.energyPerBitJoules");
        Finite(who, "static power", p.StaticPowerWatts, "components[].powerWatts");
        Finite(who, "area", p.AreaMm2, "components[].areaMm2");
        // Any mask's time is at most every stage run serially for every image, plus every site, plus the update;
        // its energy at most the fixed part, every site and static power over that time.
        double worstSeconds = p.Batch * stageSum + siteSeconds + p.Update.Seconds;
        Finite(who, "time per batch of the slowest mask", worstSeconds, "crossbar timing and site costs");
        double worstJoules = p.FixedJoulesPerBatch + siteJoules + p.StaticPowerWatts * worstSeconds;
        Finite(who, "energy per batch of the costliest mask", worstJoules, "components[].powerWatts and energy fields");
        double fastest = p.Update.Seconds;
        if (!(fastest > 0)) throw new SpecError($"{Who(who)}: the weight update takes {fastest} s; every batch must take a positive time (crossbar.writeLatencySeconds)");
        Finite(who, "average power of the costliest mask", worstJoules / fastest, "components[].powerWatts and energy fields");
    }

    private static string Who(TrainingPipeline p) => $"spec '{p.Spec.Name}' with '{p.Network.Name}' at batch {p.Batch}";

    private static void Finite(TrainingPipeline who, string what, double v, string fields)
    {
        if (!double.IsFinite(v) || v < 0)
            throw new SpecError(Invariant($"{Who(who)}: the {what} is {v:G4}, not a finite non-negative number; check {fields}"));
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
