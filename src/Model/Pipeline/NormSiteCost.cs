using DeepTrain.Model.Hardware;
using DeepTrain.Model.Hardware.Estimators;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Pipeline;

/// <summary>Cost of one active normalization site for a whole batch (forward and backward barrier together).</summary>
public readonly record struct SiteCost(double NormUnitSeconds, double TransferSeconds, double SpillSeconds,
                                       double NormUnitJoules, double TransferJoules, double SpillJoules, double SpillBytes)
{
    public double Seconds => NormUnitSeconds + TransferSeconds + SpillSeconds;
    public double Joules => NormUnitJoules + TransferJoules + SpillJoules;
}

/// <summary>
/// Per active site with E = B·C·H·W elements: normalization-unit time E·(ops fwd + ops bwd) / (units·lanes·clock);
/// transfers of 4·E values over the NoC (forward: to the units and back; backward: dy in, dx out); the batch's
/// activations (E values) held in the units' buffers, the excess spilled to DRAM and moved 6 times (write+read of
/// the forward batch, of x̂ kept for the backward pass, and of the backward dy batch). The three terms are
/// serialized (conservative). Without on-chip units (ISAAC, PipeLayer) the 4·E values go over the DRAM/IO link to
/// the host and the host's arithmetic time is not modelled (optimistic for ReRAM-only designs).
/// </summary>
public static class NormSiteCost
{
    public static SiteCost For(NormSite site, int batch, ArchSpec spec)
    {
        var nu = spec.NormUnits;
        double e = (double)batch * site.ElementsPerImage;
        double bits = spec.ActivationBits;
        double ops = e * (nu.OpsPerElementForward + nu.OpsPerElementBackward);
        double opJ = ops * nu.EnergyPerOpJoules;
        double moved = 4 * e * bits;
        if (nu.Count == 0)
            return new SiteCost(0, moved / 8 / spec.Dram.BandwidthBytesPerSecond, 0,
                                opJ, moved * spec.Dram.EnergyPerBitJoules, 0, 0);
        double opT = ops / NormUnitEstimator.OpsPerSecond(spec);
        double held = e * bits / 8;
        double spill = Math.Max(0, held - nu.Count * nu.BufferBytes);
        double spillTraffic = 6 * spill;
        return new SiteCost(opT, moved / 8 / spec.Noc.BandwidthBytesPerSecond, spillTraffic / spec.Dram.BandwidthBytesPerSecond,
                            opJ, moved * spec.Noc.EnergyPerBitJoules, spillTraffic * 8 * spec.Dram.EnergyPerBitJoules, spill);
    }
}
