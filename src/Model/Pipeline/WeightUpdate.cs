using DeepTrain.Model.Hardware;
using DeepTrain.Model.Mapping;

namespace DeepTrain.Model.Pipeline;

/// <summary>
/// Once per batch every cell of every forward and transposed copy (replicas included) is reprogrammed with the
/// updated weights. Arrays are written in parallel, one row per write step, but programming may not draw more than
/// the chips' peak (component-table) power: time = max(rows × write latency, cells × write energy / peak power).
/// Energy = cells × write energy. Each cell is written once per batch, so lifetime = endurance batches.
/// Gradient-accumulator arrays are not counted as weight writes (not modelled).
/// </summary>
public readonly record struct WeightUpdate(double Seconds, double Joules, double CellsWritten, double WritesPerCellPerBatch,
                                           double LifetimeBatches)
{
    public static double LatencyBoundSeconds(ArchSpec spec) => spec.Crossbar.Rows * spec.Crossbar.WriteLatencySeconds;

    public static double SecondsPerCellWrite(ArchSpec spec, double peakWatts) => spec.Crossbar.WriteEnergyJoules / peakWatts;

    public static WeightUpdate For(CrossbarMapping mapping, ArchSpec spec)
    {
        double peak = new ArchTotals(spec).PeakPowerWatts * mapping.Chips;
        double cells = 0;
        foreach (var m in mapping.Layers)
            cells += (double)m.CellsPerCopy * (m.ReplicationForward + (m.NeedsBackwardError ? m.ReplicationBackward : 0));
        const double writesPerCell = 1;
        return new WeightUpdate(Math.Max(LatencyBoundSeconds(spec), cells * SecondsPerCellWrite(spec, peak)), cells * spec.Crossbar.WriteEnergyJoules,
                                cells, writesPerCell, spec.Crossbar.EnduranceCycles / writesPerCell);
    }
}
