using System.Numerics.Tensors;
using DeepTrain.Training.Kernels;

namespace DeepTrain.Training.Layers;

/// <summary>ReLU; backward reads its own output (y &gt; 0 ⇔ x &gt; 0).</summary>
internal sealed class Relu(string name, Tensor x, Tensor output) : LayerOp(name, output)
{
    private int _n, _chunks;
    private bool _backward;

    public override void Forward(int n, bool training, WorkerPool pool) => Start(n, false, pool);
    public override void Backward(int n, WorkerPool pool) { if (x.Grad is not null) Start(n, true, pool); }

    private void Start(int n, bool backward, WorkerPool pool)
    {
        _n = n; _backward = backward; _chunks = Math.Min(n, pool.Threads);
        pool.Run(this, _chunks);
    }

    public override void Execute(int chunk, int worker)
    {
        var (start, len) = Chunks.Range(_n, _chunks, chunk);
        int e = x.Elements;
        var range = new Range(start * e, (start + len) * e);
        if (!_backward) TensorPrimitives.Max(x.Data.AsSpan(range), 0f, Output.Data.AsSpan(range));
        else if (x.GradAccumulates) Simd.ReluBackwardAccumulate(Output.Data.AsSpan(range), Output.Grad.AsSpan(range), x.Grad.AsSpan(range));
        else Simd.ReluBackward(Output.Data.AsSpan(range), Output.Grad.AsSpan(range), x.Grad.AsSpan(range));
    }
}

/// <summary>Flatten and dropout: the identity (dropout is kept in the IR for the cost model; the trainer does not drop).</summary>
internal sealed class Identity(string name, Tensor x, Tensor output) : LayerOp(name, output)
{
    public override void Forward(int n, bool training, WorkerPool pool) =>
        x.Data.AsSpan(0, n * x.Elements).CopyTo(Output.Data);

    public override void Backward(int n, WorkerPool pool)
    {
        if (x.Grad is null) return;
        var dx = x.Grad.AsSpan(0, n * x.Elements);
        if (x.GradAccumulates) TensorPrimitives.Add(dx, Output.Grad.AsSpan(0, dx.Length), dx);
        else Output.Grad.AsSpan(0, dx.Length).CopyTo(dx);
    }
}

/// <summary>
/// Residual add. When one input matches the output the add is element-wise; when the other has fewer channels or a
/// larger size it is an option-A shortcut (He et al. 2016): take every s-th pixel and zero-pad channels equally on both
/// sides, as in the usual PyTorch CIFAR ResNet (<c>F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes/4, planes/4))</c>).
/// </summary>
internal sealed class Add : LayerOp
{
    private readonly Tensor _a, _b;   // _a has the output shape; _b may be the option-A shortcut
    private readonly int _padLo, _s;
    private readonly bool _optionA;

    public Add(string name, Tensor first, Tensor second, Tensor output) : base(name, output)
    {
        (_a, _b) = second.Shape == output.Shape ? (second, first) : (first, second);
        if (_a.Shape != output.Shape)
            throw new Model.WorkloadError($"{name}: neither input {first.Shape} nor {second.Shape} matches the output {output.Shape}");
        _optionA = _b.Shape != output.Shape;
        if (_optionA)
        {
            var (ob, o) = (_b.Shape, output.Shape);
            if (ob.Channels > o.Channels || (o.Channels - ob.Channels) % 2 != 0 || ob.Height % o.Height != 0
                || ob.Width / o.Width != ob.Height / o.Height)
                throw new Model.WorkloadError($"{name}: shortcut {ob} cannot be padded and strided to {o}");
            _s = ob.Height / o.Height;
            _padLo = (o.Channels - ob.Channels) / 2;
        }
    }

    public override void Forward(int n, bool training, WorkerPool pool)
    {
        int e = Output.Elements;
        if (!_optionA)
        {
            TensorPrimitives.Add(_a.Data.AsSpan(0, n * e), _b.Data.AsSpan(0, n * e), Output.Data);
            return;
        }
        _a.Data.AsSpan(0, n * e).CopyTo(Output.Data);
        for (int b = 0; b < n; b++) Shortcut(_b.Image(b), Output.Image(b), forward: true);
    }

    public override void Backward(int n, WorkerPool pool)
    {
        int e = Output.Elements;
        var dy = Output.Grad.AsSpan(0, n * e);
        if (_a.Grad is not null)
        {
            if (_a.GradAccumulates) TensorPrimitives.Add(_a.Grad.AsSpan(0, n * e), dy, _a.Grad.AsSpan(0, n * e));
            else dy.CopyTo(_a.Grad);
        }
        if (_b.Grad is null) return;
        if (!_b.GradAccumulates) Array.Clear(_b.Grad, 0, n * _b.Elements);
        if (!_optionA) { TensorPrimitives.Add(_b.Grad.AsSpan(0, n * e), dy, _b.Grad.AsSpan(0, n * e)); return; }
        for (int b = 0; b < n; b++) Shortcut(_b.GradImage(b), Output.GradImage(b), forward: false);
    }

    /// <summary>Forward: y[c+pad, oy, ox] += x[c, oy·s, ox·s]. Backward: dx[c, oy·s, ox·s] += dy[c+pad, oy, ox].</summary>
    private void Shortcut(Span<float> x, Span<float> y, bool forward)
    {
        var (cb, hb, wb) = (_b.Shape.Channels, _b.Shape.Height, _b.Shape.Width);
        var (h, w) = (Output.Shape.Height, Output.Shape.Width);
        for (int c = 0; c < cb; c++)
            for (int oy = 0; oy < h; oy++)
            {
                int yo = ((c + _padLo) * h + oy) * w, xo = (c * hb + oy * _s) * wb;
                if (forward) for (int ox = 0; ox < w; ox++) y[yo + ox] += x[xo + ox * _s];
                else for (int ox = 0; ox < w; ox++) x[xo + ox * _s] += y[yo + ox];
            }
    }
}
