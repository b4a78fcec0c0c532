using DeepTrain.Model.Hardware;
using DeepTrain.Model.Mapping;

namespace DeepTrain.Model.Pipeline;

/// <summary>
/// Once per batch every cell of every forward and transposed copy (replicas included) is reprogrammed with the
/// updated weights. Arrays are written in parallel, one row per write step: time = rows × write latency.
/// Energy = cells × write energy. Each cell is written once per batch, so lifetime = endurance batches.
/// Gradient-accumulator arrays are not counted as weight writes (not modelled).
/// </summary>
public readonly record struct WeightUpdate(double Seconds, double Joules, double CellsWritten, double WritesPerCellPerBatch,
                                           double LifetimeBatches)
{
    public static WeightUpdate For(CrossbarMapping mapping, ArchSpec spec)
    {
        double cells = 0;
        foreach (var m in mapping.Layers)
            cells += (double)m.CellsPerCopy * (m.ReplicationForward + (m.NeedsBackwardError ? m.ReplicationBackward : 0));
        const double writesPerCell = 1;
        return new WeightUpdate(spec.Crossbar.Rows * spec.Crossbar.WriteLatencySeconds, cells * spec.Crossbar.WriteEnergyJoules,
                                cells, writesPerCell, spec.Crossbar.EnduranceCycles / writesPerCell);
    }
}
