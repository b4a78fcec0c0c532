using DeepTrain.Model.Hardware;
using DeepTrain.Model.Mapping;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Pipeline;

/// <summary>
/// The mask-independent description of one training batch on one spec: the network linearized in topological order
/// into weighted stages (activation, pooling, add are done by tile digital units in the shadow of the crossbar stage
/// feeding them, so they add no stage), per-image stage times (forward W; backward = max of the error pass on Wᵀ and
/// the gradient pass, which run in parallel on separate arrays), where each site splits the stage sequence,
/// per-site costs, the weight update and the mask-independent energy.
/// </summary>
public sealed class TrainingPipeline
{
    public TrainingPipeline(Network net, ArchSpec spec, int batch)
    {
        if (batch < 1) throw new UserError($"batch size must be at least 1, got {batch}");
        Network = net; Spec = spec; Batch = batch;
        Totals = new ArchTotals(spec);
        ModelBounds.CheckMapping(net, spec);
        Mapping = CrossbarMapper.Map(net, spec, batch);
        int w = Mapping.Layers.Count;
        if (w == 0) throw new WorkloadError($"network '{net.Name}' has no convolution or linear layer to map");
        ForwardSeconds = new double[w];
        BackwardSeconds = new double[w];
        double mvm = spec.MvmSeconds;
        var weightedBefore = new int[net.Layers.Count + 1];
        for (int i = 0, k = 0; i < net.Layers.Count; i++) { if (net.Layers[i].IsWeighted) k++; weightedBefore[i + 1] = k; }
        double arrayCycles = 0;
        for (int i = 0; i < w; i++)
        {
            var m = Mapping.Layers[i];
            ForwardSeconds[i] = LayerMapping.StageSeconds(m.MvmsForward, m.ReplicationForward, mvm);
            double err = m.NeedsBackwardError ? LayerMapping.StageSeconds(m.MvmsBackward, m.ReplicationBackward, mvm) : 0;
            double grad = LayerMapping.StageSeconds(m.MvmsGradient, m.ReplicationGradient, mvm);
            BackwardSeconds[i] = Math.Max(err, grad);
            arrayCycles += (double)m.ArrayMvmsPerImage * spec.InputCycles;
        }
        int s = net.SiteCount;
        SitePositions = new int[s];
        Sites = new SiteCost[s];
        for (int j = 0; j < s; j++)
        {
            var site = net.Sites[j];
            if (site.Index != j) throw new WorkloadError($"site {j} of '{net.Name}' has index {site.Index}; sites must be numbered in order");
            SitePositions[j] = weightedBefore[site.LayerIndex + 1];
            if (j > 0 && SitePositions[j] < SitePositions[j - 1])
                throw new WorkloadError($"sites of '{net.Name}' are not in topological order at site {j}");
            Sites[j] = NormSiteCost.For(site, batch, spec);
        }
        Update = WeightUpdate.For(Mapping, spec);
        ComputeJoulesPerImage = arrayCycles * Totals.EnergyPerArrayCycleJoules;
        InputJoulesPerImage = (double)net.InputShape.Elements * spec.ImageBits * spec.Dram.EnergyPerBitJoules;
        StaticPowerWatts = Totals.StaticPowerWatts * Mapping.Chips;
        AreaMm2 = Totals.AreaMm2 * Mapping.Chips;
        ModelBounds.CheckPipeline(this);
    }

    public Network Network { get; }
    public ArchSpec Spec { get; }
    public int Batch { get; }
    public ArchTotals Totals { get; }
    public CrossbarMapping Mapping { get; }
    /// <summary>Per-image forward stage time of weighted layer w (topological order).</summary>
    public double[] ForwardSeconds { get; }
    /// <summary>Per-image backward stage time of weighted layer w.</summary>
    public double[] BackwardSeconds { get; }
    /// <summary>Site j sits after the first SitePositions[j] weighted stages.</summary>
    public int[] SitePositions { get; }
    public SiteCost[] Sites { get; }
    public WeightUpdate Update { get; }
    public double ComputeJoulesPerImage { get; }
    public double InputJoulesPerImage { get; }
    /// <summary>Always-on power of all chips.</summary>
    public double StaticPowerWatts { get; }
    public double AreaMm2 { get; }
    /// <summary>Energy per batch that does not depend on the mask (compute, inputs, update).</summary>
    public double FixedJoulesPerBatch => Batch * (ComputeJoulesPerImage + InputJoulesPerImage) + Update.Joules;
    public int StageCount => ForwardSeconds.Length;

    /// <summary>Makespan of a run of stages through which B images flow: Σt + (B−1)·max t (0 if empty).</summary>
    public static double Makespan(double sum, double max, int batch) => sum + (batch - 1) * max;
}
