using DeepTrain.Model;
using DeepTrain.Model.Workloads;
using DeepTrain.Training.Kernels;
using DeepTrain.Training.Layers;

namespace DeepTrain.Training;

/// <summary>
/// A network IR compiled for training: one node per IR layer, plus a batch-normalization node right after the layer
/// of every active site of the mask (inactive sites are simply absent). All activation, gradient and scratch buffers
/// are allocated here, once, for <c>maxBatch</c> images; a training step allocates nothing.
/// </summary>
public sealed class TrainableNetwork : IDisposable
{
    private readonly List<LayerOp> _ops = [];
    private readonly Tensor _input;
    private readonly Tensor _logits;
    private readonly WorkerPool _pool;
    private readonly List<Parameter> _parameters = [];
    private readonly List<BatchNorm> _norms = [];

    public TrainableNetwork(Network network, SiteMask mask, int maxBatch, int threads, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Length != network.SiteCount)
            throw new UserError($"mask has {mask.Length} sites but {network.Name} has {network.SiteCount}");
        if (maxBatch < 1) throw new UserError("batch size must be at least 1");
        if (threads < 1) throw new UserError("threads must be at least 1");
        Network = network;
        Mask = mask;
        MaxBatch = maxBatch;
        _pool = new WorkerPool(threads);

        var siteAt = new Dictionary<int, NormSite>();
        foreach (var s in network.Sites) siteAt[s.LayerIndex] = s;

        _input = new Tensor(network.InputShape, maxBatch, withGrad: false);
        var layerOut = new Tensor[network.Layers.Count];
        var rng = new Rng(seed, stream: 1);
        for (int j = 0; j < network.Layers.Count; j++)
        {
            var l = network.Layers[j];
            Tensor In(int k)
            {
                if (k >= l.Inputs.Length) throw new WorkloadError($"{l.Name}: missing input {k}");
                int src = l.Inputs[k];
                if (src >= j) throw new WorkloadError($"{l.Name}: input {src} is not an earlier layer");
                return src < 0 ? _input : layerOut[src];
            }
            var x = In(0);
            foreach (int src in l.Inputs) (src < 0 ? _input : layerOut[src]).Consumers++;
            if (l.Kind != LayerKind.Add && l.Kind != LayerKind.Concat && x.Shape.Elements != l.Input.Elements)
                throw new WorkloadError($"{l.Name}: input shape {l.Input} does not match its producer's {x.Shape}");
            var y = new Tensor(l.Output, maxBatch, withGrad: true);
            LayerOp op = l.Kind switch
            {
                LayerKind.Convolution when l.Groups != 1 =>
                    throw new WorkloadError($"{l.Name}: grouped convolution is not supported by the built-in trainer"),
                LayerKind.Convolution => new Conv2d(l.Name, x, y, l.KernelHeight, l.KernelWidth, l.Stride, l.Padding, l.HasBias, threads),
                LayerKind.Linear => new Linear(l.Name, x, y, l.HasBias),
                LayerKind.MaxPool => new MaxPool(l.Name, x, y, l.KernelHeight, l.Stride, l.Padding, maxBatch),
                LayerKind.AvgPool => new AvgPool(l.Name, x, y, l.KernelHeight, l.Stride, l.Padding),
                LayerKind.GlobalAvgPool => new GlobalAvgPool(l.Name, x, y),
                LayerKind.Activation => new Relu(l.Name, x, y),
                LayerKind.Add => new Layers.Add(l.Name, x, In(1), y),
                LayerKind.Flatten or LayerKind.Dropout => new Identity(l.Name, x, y),
                _ => throw new WorkloadError($"{l.Name}: {l.Kind} layers are not supported by the built-in trainer"),
            };
            Initialize(op, rng);
            _ops.Add(op);
            _parameters.AddRange(op.Parameters);
            layerOut[j] = y;
            if (siteAt.TryGetValue(j, out var site) && mask[site.Index])
            {
                var z = new Tensor(l.Output, maxBatch, withGrad: true);
                var bn = new BatchNorm($"{l.Name}.bn", y, z, maxBatch, threads);
                y.Consumers++;
                _ops.Add(bn);
                _norms.Add(bn);
                _parameters.AddRange(bn.Parameters);
                layerOut[j] = z;
            }
        }
        _logits = layerOut[^1];
        if (_logits.Elements != network.Classes)
            throw new WorkloadError($"{network.Name}: last layer gives {_logits.Elements} outputs for {network.Classes} classes");
    }

    public Network Network { get; }
    public SiteMask Mask { get; }
    public int MaxBatch { get; }
    public int Threads => _pool.Threads;
    public IReadOnlyList<Parameter> Parameters => _parameters;
    /// <summary>Number of batch-normalization layers instantiated (= active sites).</summary>
    public int NormalizationLayers => _norms.Count;
    internal IReadOnlyList<LayerOp> Ops => _ops;
    internal IReadOnlyList<BatchNorm> Norms => _norms;

    /// <summary>He (Kaiming) normal for convolutions, std √(2/fan-in); PyTorch's default uniform ±1/√fan-in for
    /// linear weights; zero biases.</summary>
    private static void Initialize(LayerOp op, Rng rng)
    {
        switch (op)
        {
            case Conv2d c:
                float std = MathF.Sqrt(2f / c.FanIn);
                for (int i = 0; i < c.Weight.Value.Length; i++) c.Weight.Value[i] = (float)(rng.NextGaussian() * std);
                break;
            case Linear f:
                float bound = 1f / MathF.Sqrt(f.FanIn);
                for (int i = 0; i < f.Weight.Value.Length; i++) f.Weight.Value[i] = (float)rng.Uniform(-bound, bound);
                break;
        }
    }

    /// <summary>Copies n images (NCHW) into the input buffer.</summary>
    public void SetInput(ReadOnlySpan<float> images, int n)
    {
        if (n > MaxBatch) throw new ArgumentOutOfRangeException(nameof(n));
        images.Slice(0, n * _input.Elements).CopyTo(_input.Data);
    }

    internal Span<float> InputBuffer => _input.Data;

    /// <summary>Runs the forward pass; returns the logits [n × classes] (a view into the network's buffer).</summary>
    public ReadOnlySpan<float> Forward(int n, bool training)
    {
        foreach (var op in _ops) op.Forward(n, training, _pool);
        return _logits.Data.AsSpan(0, n * _logits.Elements);
    }

    /// <summary>Forward in training mode, loss, backward; leaves the gradients in <see cref="Parameters"/>.</summary>
    public double ForwardBackward(int n, ReadOnlySpan<int> labels)
    {
        var logits = Forward(n, training: true);
        foreach (var op in _ops)
            if (op.Output.GradAccumulates) Array.Clear(op.Output.Grad!, 0, n * op.Output.Elements);
        double loss = SoftmaxCrossEntropy.LossAndGradient(logits, labels, n, Network.Classes, _logits.Grad);
        for (int i = _ops.Count - 1; i >= 0; i--) _ops[i].Backward(n, _pool);
        return loss;
    }

    public void Dispose() => _pool.Dispose();
}
