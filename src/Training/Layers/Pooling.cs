using System.Numerics.Tensors;
using DeepTrain.Training.Kernels;

namespace DeepTrain.Training.Layers;

/// <summary>Max pooling (kernel, stride, padding; padding never wins); remembers the arg-max for backward.</summary>
internal sealed class MaxPool : LayerOp
{
    private readonly Tensor _x;
    private readonly int _k, _s, _p;
    private readonly int[] _argmax;

    public MaxPool(string name, Tensor x, Tensor output, int kernel, int stride, int pad, int maxBatch) : base(name, output)
    {
        (_x, _k, _s, _p) = (x, kernel, stride, pad);
        if (x.Shape.Channels != output.Shape.Channels)
            throw new Model.WorkloadError($"{name}: pooling cannot change channels ({x.Shape} → {output.Shape})");
        _argmax = new int[maxBatch * output.Elements];
    }

    public override void Forward(int n, bool training, WorkerPool pool)
    {
        var (c, hin, win) = (_x.Shape.Channels, _x.Shape.Height, _x.Shape.Width);
        var (h, w) = (Output.Shape.Height, Output.Shape.Width);
        for (int b = 0; b < n; b++)
        {
            var x = _x.Image(b);
            var y = Output.Image(b);
            int xb = b * _x.Elements, yb = b * Output.Elements;
            for (int ch = 0; ch < c; ch++)
                for (int oy = 0; oy < h; oy++)
                    for (int ox = 0; ox < w; ox++)
                    {
                        float best = float.NegativeInfinity; int arg = -1;
                        for (int ky = 0; ky < _k; ky++)
                        {
                            int iy = oy * _s - _p + ky;
                            if ((uint)iy >= (uint)hin) continue;
                            for (int kx = 0; kx < _k; kx++)
                            {
                                int ix = ox * _s - _p + kx;
                                if ((uint)ix >= (uint)win) continue;
                                int idx = (ch * hin + iy) * win + ix;
                                if (arg < 0 || x[idx] > best) { best = x[idx]; arg = idx; }
                            }
                        }
                        int o = (ch * h + oy) * w + ox;
                        y[o] = best;
                        _argmax[yb + o] = arg;
                    }
        }
    }

    public override void Backward(int n, WorkerPool pool)
    {
        if (_x.Grad is null) return;
        if (!_x.GradAccumulates) Array.Clear(_x.Grad, 0, n * _x.Elements);
        int e = Output.Elements;
        for (int b = 0; b < n; b++)
        {
            var dx = _x.GradImage(b);
            var dy = Output.GradImage(b);
            for (int o = 0; o < e; o++) dx[_argmax[b * e + o]] += dy[o];
        }
    }
}

/// <summary>Average pooling; padded cells count in the divisor (PyTorch's count_include_pad = True).</summary>
internal sealed class AvgPool : LayerOp
{
    private readonly Tensor _x;
    private readonly int _k, _s, _p;

    public AvgPool(string name, Tensor x, Tensor output, int kernel, int stride, int pad) : base(name, output)
    {
        (_x, _k, _s, _p) = (x, kernel, stride, pad);
        if (x.Shape.Channels != output.Shape.Channels)
            throw new Model.WorkloadError($"{name}: pooling cannot change channels ({x.Shape} → {output.Shape})");
    }

    public override void Forward(int n, bool training, WorkerPool pool) => Pass(n, forward: true);
    public override void Backward(int n, WorkerPool pool)
    {
        if (_x.Grad is null) return;
        if (!_x.GradAccumulates) Array.Clear(_x.Grad, 0, n * _x.Elements);
        Pass(n, forward: false);
    }

    private void Pass(int n, bool forward)
    {
        var (c, hin, win) = (_x.Shape.Channels, _x.Shape.Height, _x.Shape.Width);
        var (h, w) = (Output.Shape.Height, Output.Shape.Width);
        float inv = 1f / (_k * _k);
        for (int b = 0; b < n; b++)
        {
            var x = forward ? _x.Image(b) : _x.GradImage(b);
            var y = forward ? Output.Image(b) : Output.GradImage(b);
            for (int ch = 0; ch < c; ch++)
                for (int oy = 0; oy < h; oy++)
                    for (int ox = 0; ox < w; ox++)
                    {
                        int o = (ch * h + oy) * w + ox;
                        float s = 0, g = forward ? 0 : y[o] * inv;
                        for (int ky = 0; ky < _k; ky++)
                        {
                            int iy = oy * _s - _p + ky;
                            if ((uint)iy >= (uint)hin) continue;
                            for (int kx = 0; kx < _k; kx++)
                            {
                                int ix = ox * _s - _p + kx;
                                if ((uint)ix >= (uint)win) continue;
                                int idx = (ch * hin + iy) * win + ix;
                                if (forward) s += x[idx]; else x[idx] += g;
                            }
                        }
                        if (forward) y[o] = s * inv;
                    }
        }
    }
}

/// <summary>Global average pooling C×H×W → C×1×1.</summary>
internal sealed class GlobalAvgPool(string name, Tensor x, Tensor output) : LayerOp(name, output)
{
    public override void Forward(int n, bool training, WorkerPool pool)
    {
        int c = x.Shape.Channels, hw = x.Shape.Height * x.Shape.Width;
        float inv = 1f / hw;
        for (int b = 0; b < n; b++)
        {
            var xi = x.Image(b); var y = Output.Image(b);
            for (int ch = 0; ch < c; ch++) y[ch] = TensorPrimitives.Sum(xi.Slice(ch * hw, hw)) * inv;
        }
    }

    public override void Backward(int n, WorkerPool pool)
    {
        if (x.Grad is null) return;
        if (!x.GradAccumulates) Array.Clear(x.Grad, 0, n * x.Elements);
        int c = x.Shape.Channels, hw = x.Shape.Height * x.Shape.Width;
        float inv = 1f / hw;
        for (int b = 0; b < n; b++)
        {
            var dx = x.GradImage(b); var dy = Output.GradImage(b);
            for (int ch = 0; ch < c; ch++)
            {
                var seg = dx.Slice(ch * hw, hw);
                TensorPrimitives.Add(seg, dy[ch] * inv, seg);
            }
        }
    }
}
