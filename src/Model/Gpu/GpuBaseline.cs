using System.Numerics;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Gpu;

/// <summary>What a cost line of the GPU baseline covers.</summary>
public enum GpuPass { Forward, Backward, NormForward, NormBackward, Optimizer }

/// <summary>One line of the per-layer breakdown: a layer (or site, or the optimizer) in one pass, for the whole batch.</summary>
public sealed record GpuLayerCost(string Name, GpuPass Pass, double Flops, double Bytes, int Kernels, double Seconds, bool ComputeBound);

/// <summary>GPU baseline result for one network, batch and site mask.</summary>
public sealed record GpuEstimate
{
    public required string Gpu { get; init; }
    public required GpuPrecision Precision { get; init; }
    public required int BatchSize { get; init; }
    public required int ActiveSites { get; init; }
    public required double TimePerBatchSeconds { get; init; }
    /// <summary>Part of <see cref="TimePerBatchSeconds"/> spent in the optimizer step.</summary>
    public required double OptimizerSeconds { get; init; }
    public double ImagesPerSecond => BatchSize / TimePerBatchSeconds;
    /// <summary>Board power assumed while training: the TDP (docs/GPU.md).</summary>
    public required double AveragePowerWatts { get; init; }
    public double EnergyPerImageJoules => AveragePowerWatts * TimePerBatchSeconds / BatchSize;
    public required IReadOnlyList<GpuLayerCost> Layers { get; init; }
}

/// <summary>
/// Roofline baseline of one training step on a GPU (docs/GPU.md): per layer and pass,
/// time = max(FLOPs / (peak · compute efficiency), bytes / (bandwidth · memory efficiency)) + kernels · overhead.
/// Everything that does not depend on the site mask is precomputed in the constructor; a mask then costs one pass
/// over its set bits (<see cref="TimePerBatchSeconds(SiteMask)"/>, allocation-free).
/// </summary>
public sealed class GpuBaseline
{
    /// <summary>SGD with momentum, FP32 state: read weight, gradient, momentum; write weight, momentum.</summary>
    public const double OptimizerBytesPerParameter = 5 * 4;
    /// <summary>Mixed precision also writes the FP16 copy of each weight.</summary>
    public const double MixedExtraBytesPerParameter = 2;
    /// <summary>Training batch normalization reads its input for the statistics, then reads it again and writes the
    /// output: 3 element transfers forward.</summary>
    public const double NormForwardPasses = 3;
    /// <summary>Backward: read dY and X for the two reductions, read them again and write dX: 5 transfers.</summary>
    public const double NormBackwardPasses = 5;

    private readonly List<GpuLayerCost> _fixed = new();
    private readonly GpuLayerCost[] _siteCosts; // NormForward, NormBackward per site, interleaved
    private readonly double[] _siteSeconds;      // forward + backward + optimizer share per site
    private readonly double _fixedSeconds;
    private readonly double _fixedOptimizerSeconds;
    private readonly double[] _siteOptimizerSeconds;

    public GpuBaseline(Network network, GpuSpec spec, int batchSize, GpuPrecision precision = GpuPrecision.Fp32,
                       GpuEfficiencies? efficiencies = null)
    {
        if (batchSize < 1) throw new UserError($"batch size must be ≥ 1, got {batchSize}");
        var eff = efficiencies ?? GpuEfficiencies.Calibrated;
        eff.Validate();
        Network = network; Spec = spec; BatchSize = batchSize; Precision = precision;
        (double peak, double computeEff) = precision switch
        {
            GpuPrecision.Fp32 => (spec.PeakFp32Flops, eff.CudaCoreCompute),
            GpuPrecision.Tf32 => (spec.PeakTf32TensorFlops, eff.TensorCoreCompute),
            _ => (spec.PeakFp16TensorFlops, eff.TensorCoreCompute),
        };
        if (peak <= 0)
            throw new SpecError($"GPU '{spec.Name}': '{(precision == GpuPrecision.Tf32 ? "peakTf32TensorFlops" : "peakFp16TensorFlops")}' is 0, so {precision} training is not available on it");
        FlopsPerSecond = peak * computeEff;
        BytesPerSecond = spec.MemoryBandwidthBytesPerSecond * eff.Memory;
        double e = precision == GpuPrecision.Mixed ? 2 : 4; // bytes per activation / weight element
        double b = batchSize;

        long parameterTensors = 0, layerParameters = 0;
        foreach (var l in network.Layers)
        {
            double inElems = 0;
            foreach (int src in l.Inputs) inElems += src < 0 ? network.InputShape.Elements : network.Layers[src].Output.Elements;
            double outElems = l.Output.Elements;
            switch (l.Kind)
            {
                case LayerKind.Convolution or LayerKind.Linear:
                {
                    double flops = 2.0 * l.Macs * b;
                    double bytes = e * (b * (inElems + outElems) + l.Parameters);
                    _fixed.Add(Cost(l.Name, GpuPass.Forward, flops, bytes, 1));
                    // Backward: weight gradient (same FLOPs and traffic as forward) and, unless the layer reads the
                    // network input (PyTorch then skips it), the input gradient (same again).
                    bool inputGradient = l.Inputs[0] >= 0;
                    int k = inputGradient ? 2 : 1;
                    _fixed.Add(Cost(l.Name, GpuPass.Backward, k * flops, k * bytes, k));
                    parameterTensors += l.HasBias ? 2 : 1;
                    layerParameters += l.Parameters;
                    break;
                }
                case LayerKind.Flatten:
                    break; // a view: no kernel
                default:
                {
                    // Element-wise, pooling, add, concat, dropout: memory-bound. Forward reads inputs, writes output;
                    // backward reads dY and the saved inputs (or mask) and writes dX.
                    _fixed.Add(Cost(l.Name, GpuPass.Forward, 0, e * b * (inElems + outElems), 1));
                    _fixed.Add(Cost(l.Name, GpuPass.Backward, 0, e * b * (outElems + 2 * inElems), 1));
                    break;
                }
            }
        }
        double optBytesPerParam = OptimizerBytesPerParameter + (precision == GpuPrecision.Mixed ? MixedExtraBytesPerParameter : 0);
        var opt = Cost("optimizer (layers)", GpuPass.Optimizer, 0, optBytesPerParam * layerParameters, (int)parameterTensors);
        _fixed.Add(opt);
        _fixedOptimizerSeconds = opt.Seconds;
        foreach (var c in _fixed) _fixedSeconds += c.Seconds;

        int n = network.SiteCount;
        _siteCosts = new GpuLayerCost[3 * n];
        _siteSeconds = new double[n];
        _siteOptimizerSeconds = new double[n];
        for (int s = 0; s < n; s++)
        {
            var site = network.Sites[s];
            string name = $"norm {s} ({network.Layers[site.LayerIndex].Name})";
            double elems = site.ElementsPerImage * b;
            _siteCosts[3 * s] = Cost(name, GpuPass.NormForward, 0, NormForwardPasses * e * elems, 1);
            _siteCosts[3 * s + 1] = Cost(name, GpuPass.NormBackward, 0, NormBackwardPasses * e * elems, 1);
            _siteCosts[3 * s + 2] = Cost(name, GpuPass.Optimizer, 0, optBytesPerParam * site.Parameters, 2);
            _siteOptimizerSeconds[s] = _siteCosts[3 * s + 2].Seconds;
            _siteSeconds[s] = _siteCosts[3 * s].Seconds + _siteCosts[3 * s + 1].Seconds + _siteOptimizerSeconds[s];
        }
    }

    public Network Network { get; }
    public GpuSpec Spec { get; }
    public int BatchSize { get; }
    public GpuPrecision Precision { get; }
    /// <summary>Effective compute rate of convolutions and linear layers (FLOP/s).</summary>
    public double FlopsPerSecond { get; }
    /// <summary>Effective memory bandwidth (B/s).</summary>
    public double BytesPerSecond { get; }
    /// <summary>Time of everything that does not depend on the mask (s per batch).</summary>
    public double FixedSeconds => _fixedSeconds;
    /// <summary>Extra time per batch when site i is active (normalization forward + backward + its optimizer share).</summary>
    public ReadOnlySpan<double> SiteSeconds => _siteSeconds;

    /// <summary>Time per batch for <paramref name="mask"/>: fixed part plus the active sites' costs. No allocation.</summary>
    public double TimePerBatchSeconds(SiteMask mask)
    {
        CheckMask(mask);
        double t = _fixedSeconds;
        var words = mask.Words;
        for (int w = 0; w < words.Length; w++)
        {
            ulong bits = words[w];
            while (bits != 0)
            {
                int i = (w << 6) + BitOperations.TrailingZeroCount(bits);
                t += _siteSeconds[i];
                bits &= bits - 1;
            }
        }
        return t;
    }

    /// <summary>Full estimate with the per-layer breakdown (allocates; for reports, not for search loops).</summary>
    public GpuEstimate Estimate(SiteMask mask)
    {
        CheckMask(mask);
        var lines = new List<GpuLayerCost>(_fixed.Count + 3 * mask.Count);
        double opt = _fixedOptimizerSeconds;
        foreach (var c in _fixed) lines.Add(c);
        foreach (int s in mask.ActiveSites())
        {
            lines.Add(_siteCosts[3 * s]);
            lines.Add(_siteCosts[3 * s + 1]);
            lines.Add(_siteCosts[3 * s + 2]);
            opt += _siteOptimizerSeconds[s];
        }
        return new GpuEstimate
        {
            Gpu = Spec.Name,
            Precision = Precision,
            BatchSize = BatchSize,
            ActiveSites = mask.Count,
            TimePerBatchSeconds = TimePerBatchSeconds(mask),
            OptimizerSeconds = opt,
            AveragePowerWatts = Spec.TdpWatts,
            Layers = lines,
        };
    }

    private void CheckMask(SiteMask mask)
    {
        if (mask.Length != Network.SiteCount)
            throw new UserError($"mask has {mask.Length} sites but {Network.Name} has {Network.SiteCount}");
    }

    private GpuLayerCost Cost(string name, GpuPass pass, double flops, double bytes, int kernels)
    {
        double compute = flops / FlopsPerSecond;
        double memory = bytes / BytesPerSecond;
        return new GpuLayerCost(name, pass, flops, bytes, kernels,
                                Math.Max(compute, memory) + kernels * Spec.KernelOverheadSeconds, compute >= memory);
    }
}
