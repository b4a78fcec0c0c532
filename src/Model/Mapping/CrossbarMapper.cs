using DeepTrain.Model.Hardware;
using DeepTrain.Model.Pipeline;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Mapping;

/// <summary>Result of mapping a network onto one or more chips.</summary>
public sealed record CrossbarMapping(IReadOnlyList<LayerMapping> Layers, int Chips, long CrossbarsAvailable, long CrossbarsUsed,
                                     long CrossbarsOneCopy);

/// <summary>
/// Maps every weighted layer onto crossbars (bit-sliced weights, three copies for training), decides how many chips
/// are needed (a network whose single copies exceed one chip is spread over ⌈need / per-chip⌉ identical chips,
/// ISAAC-style scale-out) and replicates copies to balance stage times under the crossbar budget
/// (<see cref="ReplicationAllocator"/>, which weighs the batch size against the cost of rewriting replicas). Independent of the site mask.
/// </summary>
public static class CrossbarMapper
{
    public static CrossbarMapping Map(Network net, ArchSpec spec, int batch)
    {
        var p = Problem(net, spec);
        var balanced = ReplicationAllocator.Balance(p.Layers, p.SpareCrossbars, spec.MvmSeconds, batch, p.SecondsPerCellWrite,
                                                    p.FixedUpdateSeconds);
        long used = 0;
        foreach (var m in balanced) used += m.CrossbarsUsed;
        return new CrossbarMapping(balanced, p.Chips, p.Chips * spec.CrossbarsPerChip, used, p.OneCopy);
    }

    /// <summary>The replication problem of a (network, spec): single copies, chips, spare crossbars and the two
    /// weight-update rates (what <see cref="ReplicationAllocator"/> and the greedy reference take).</summary>
    internal readonly record struct ReplicationProblem(List<LayerMapping> Layers, int Chips, long OneCopy, long SpareCrossbars,
                                                        double SecondsPerCellWrite, double FixedUpdateSeconds);

    internal static ReplicationProblem Problem(Network net, ArchSpec spec)
    {
        var layers = SingleCopies(net, spec);
        long oneCopy = 0;
        foreach (var m in layers) oneCopy += m.CrossbarsUsed;
        long perChip = spec.CrossbarsPerChip;
        int chips = (int)Math.Max(1, Ceil(oneCopy, perChip));
        double chipPeakWatts = new ArchTotals(spec).PeakPowerWatts * chips;
        return new ReplicationProblem(layers, chips, oneCopy, chips * perChip - oneCopy,
                                      WeightUpdate.SecondsPerCellWrite(spec, chipPeakWatts), WeightUpdate.LatencyBoundSeconds(spec));
    }

    /// <summary>One copy of every weighted layer (replication 1), in topological order.</summary>
    internal static List<LayerMapping> SingleCopies(Network net, ArchSpec spec)
    {
        int rows = spec.Crossbar.Rows, cols = spec.Crossbar.Cols, slices = spec.WeightSlices;
        var layers = new List<LayerMapping>();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            var l = net.Layers[i];
            if (!l.IsWeighted) continue;
            int g = l.Kind == LayerKind.Convolution ? l.Groups : 1;
            long xf = g * Ceil(l.FanIn, rows) * Ceil((long)l.FanOutPerGroup * slices, cols);
            long bwdFanIn = l.Kind == LayerKind.Convolution ? (long)l.KernelHeight * l.KernelWidth * l.FanOutPerGroup : l.FanOutPerGroup;
            long bwdFanOut = l.Kind == LayerKind.Convolution ? l.Input.Channels / g : l.Input.Channels;
            long xb = g * Ceil(bwdFanIn, rows) * Ceil(bwdFanOut * slices, cols);
            long mvmB = l.Kind == LayerKind.Convolution ? (long)l.Input.Height * l.Input.Width : 1;
            bool needsErr = false;
            foreach (var src in l.Inputs) if (src >= 0) needsErr = true;
            layers.Add(new LayerMapping
            {
                LayerIndex = i, Name = l.Name,
                CrossbarsForward = xf, CrossbarsBackward = xb, CrossbarsGradient = xf,
                MvmsForward = l.MvmsPerImage, MvmsBackward = mvmB, MvmsGradient = l.MvmsPerImage,
                NeedsBackwardError = needsErr,
                CellsPerCopy = (long)l.FanIn * l.Output.Channels * slices,
            });
        }
        return layers;
    }

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
