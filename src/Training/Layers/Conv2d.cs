using System.Numerics.Tensors;
using DeepTrain.Training.Kernels;

namespace DeepTrain.Training.Layers;

/// <summary>
/// 2-D convolution (groups = 1) by im2col and the blocked matrix product: per image, out[Cout×HW] = W[Cout×K]·col[K×HW]
/// with K = Cin·kh·kw. Backward recomputes col (memory over time), dW += dOut·colᵀ per chunk of images (partials
/// reduced in chunk order, so results do not depend on the thread count), dcol = Wᵀ·dOut then col2im.
/// Weight layout is PyTorch's [Cout, Cin, kh, kw].
/// </summary>
internal sealed class Conv2d : LayerOp
{
    private readonly Tensor _x;
    private readonly int _cin, _hin, _win, _cout, _hout, _wout, _kh, _kw, _stride, _pad, _k, _hw;
    private readonly bool _direct;   // 1×1, stride 1, no padding: col is the input itself
    private readonly bool _flipBackward;   // stride 1, "same" padding: dX is a convolution of dY with flipped W
    private readonly int _hp, _wp;   // padded plane size
    private readonly float[][] _padded;    // per worker: zero-bordered copy of one image (input or dY)
    private readonly float[] _wflip;       // [Cin × Cout·kh·kw], refreshed each backward when _flipBackward
    private readonly Parameter _w;
    private readonly Parameter? _b;
    private readonly float[][] _col, _dcol;   // per worker
    private readonly float[] _wt;             // Wᵀ [K×Cout], refreshed each backward
    private readonly float[] _dwPartial, _dbPartial;   // per chunk
    private int _n, _chunks;
    private bool _backward;

    public Conv2d(string name, Tensor x, Tensor output, int kh, int kw, int stride, int pad, bool bias, int threads)
        : base(name, output)
    {
        _x = x;
        (_cin, _hin, _win) = (x.Shape.Channels, x.Shape.Height, x.Shape.Width);
        (_cout, _hout, _wout) = (output.Shape.Channels, output.Shape.Height, output.Shape.Width);
        (_kh, _kw, _stride, _pad) = (kh, kw, stride, pad);
        if ((_hin + 2 * pad - kh) / stride + 1 != _hout || (_win + 2 * pad - kw) / stride + 1 != _wout)
            throw new Model.WorkloadError($"{name}: output {output.Shape} does not follow from input {x.Shape}, kernel {kh}x{kw}, stride {stride}, padding {pad}");
        _k = _cin * kh * kw;
        _hw = _hout * _wout;
        _direct = kh == 1 && kw == 1 && stride == 1 && pad == 0;
        _flipBackward = !_direct && stride == 1 && kh == kw && 2 * pad == kh - 1;
        (_hp, _wp) = (_hin + 2 * pad, _win + 2 * pad);
        _wflip = new float[_flipBackward ? _cout * _k : 0];
        _w = new Parameter(name + ".weight", _cout * _k, decay: true);
        _b = bias ? new Parameter(name + ".bias", _cout, decay: true) : null;
        _col = new float[threads][];
        _dcol = new float[threads][];
        _padded = new float[threads][];
        int dcolRows = _flipBackward ? _cout * kh * kw : _k;
        for (int t = 0; t < threads; t++)
        {
            _col[t] = new float[_direct ? 0 : _k * _hw];
            _dcol[t] = new float[dcolRows * _hw];
            _padded[t] = new float[_direct ? 0 : Math.Max(_cin, _cout) * _hp * _wp];
        }
        _wt = new float[_k * _cout];
        _dwPartial = new float[Chunks.PerBatch * _cout * _k];
        _dbPartial = new float[Chunks.PerBatch * _cout];
    }

    public Parameter Weight => _w;
    public int FanIn => _k;
    public override IReadOnlyList<Parameter> Parameters => _b is null ? [_w] : [_w, _b];

    public override void Forward(int n, bool training, WorkerPool pool)
    {
        _n = n; _backward = false;
        _chunks = Math.Min(n, pool.Threads * 2);
        pool.Run(this, _chunks);
    }

    public override void Backward(int n, WorkerPool pool)
    {
        _n = n; _backward = true;
        if (_flipBackward)
        {
            // W'[ci, co, ky, kx] = W[co, ci, k−1−ky, k−1−kx]
            int kk = _kh * _kw;
            for (int o = 0; o < _cout; o++)
                for (int ci = 0; ci < _cin; ci++)
                    for (int q = 0; q < kk; q++)
                        _wflip[(ci * _cout + o) * kk + q] = _w.Value[(o * _cin + ci) * kk + kk - 1 - q];
        }
        else
            for (int o = 0; o < _cout; o++)
                for (int p = 0; p < _k; p++) _wt[p * _cout + o] = _w.Value[o * _k + p];
        _chunks = Chunks.Count(n);
        pool.Run(this, _chunks);
        int size = _cout * _k;
        _dwPartial.AsSpan(0, size).CopyTo(_w.Grad);
        for (int c = 1; c < _chunks; c++) TensorPrimitives.Add(_w.Grad, _dwPartial.AsSpan(c * size, size), _w.Grad);
        if (_b is not null)
        {
            _dbPartial.AsSpan(0, _cout).CopyTo(_b.Grad);
            for (int c = 1; c < _chunks; c++) TensorPrimitives.Add(_b.Grad, _dbPartial.AsSpan(c * _cout, _cout), _b.Grad);
        }
    }

    public override void Execute(int chunk, int worker)
    {
        var (start, len) = Chunks.Range(_n, _chunks, chunk);
        if (!_backward) ForwardImages(start, len, worker);
        else BackwardImages(chunk, start, len, worker);
    }

    private void ForwardImages(int start, int len, int worker)
    {
        float[] col = _col[worker];
        for (int b = start; b < start + len; b++)
        {
            ReadOnlySpan<float> src = _direct ? _x.Image(b) : col;
            if (!_direct) Im2Col(_x.Image(b), _cin, col, _padded[worker]);
            var y = Output.Image(b);
            Gemm.NN(_cout, _hw, _k, _w.Value, _k, src, _hw, y, _hw, accumulate: false);
            if (_b is not null)
                for (int o = 0; o < _cout; o++) TensorPrimitives.Add(y.Slice(o * _hw, _hw), _b.Value[o], y.Slice(o * _hw, _hw));
        }
    }

    private void BackwardImages(int chunk, int start, int len, int worker)
    {
        float[] col = _col[worker], dcol = _dcol[worker];
        var dw = _dwPartial.AsSpan(chunk * _cout * _k, _cout * _k);
        var db = _dbPartial.AsSpan(chunk * _cout, _cout);
        db.Clear();
        for (int b = start; b < start + len; b++)
        {
            ReadOnlySpan<float> dy = Output.GradImage(b);
            ReadOnlySpan<float> src = _direct ? _x.Image(b) : col;
            if (!_direct) Im2Col(_x.Image(b), _cin, col, _padded[worker]);
            Gemm.NT(_cout, _k, _hw, dy, _hw, src, _hw, dw, _k, accumulate: b != start);
            if (_b is not null)
                for (int o = 0; o < _cout; o++) db[o] += TensorPrimitives.Sum(dy.Slice(o * _hw, _hw));
            if (_x.Grad is null) continue;
            if (_direct)
                Gemm.NN(_k, _hw, _cout, _wt, _cout, dy, _hw, _x.GradImage(b), _hw, accumulate: _x.GradAccumulates);
            else if (_flipBackward)
            {
                Im2Col(dy, _cout, dcol, _padded[worker]);
                int kf = _cout * _kh * _kw;
                Gemm.NN(_cin, _hw, kf, _wflip, kf, dcol, _hw, _x.GradImage(b), _hw, accumulate: _x.GradAccumulates);
            }
            else
            {
                Gemm.NN(_k, _hw, _cout, _wt, _cout, dy, _hw, dcol, _hw, accumulate: false);
                if (!_x.GradAccumulates) _x.GradImage(b).Clear();
                Col2ImAccumulate(dcol, _x.GradImage(b));
            }
        }
        if (len == 0) dw.Clear();
    }

    /// <summary>col[(ci·kh + ky)·kw + kx, oy·Wout + ox] = x[ci, oy·s − p + ky, ox·s − p + kx] (0 outside), through a
    /// zero-bordered copy of the image so the inner loops have no bounds tests. x has <paramref name="channels"/>
    /// planes of the layer's input size (the backward pass feeds dY here, which has that size when stride is 1).</summary>
    private unsafe void Im2Col(ReadOnlySpan<float> x, int channels, Span<float> col, float[] padded)
    {
        int hp = _hp, wp = _wp, w = _win, h = _hin, p = _pad;
        fixed (float* px = x, pp = padded, pc = col)
        {
            for (int ci = 0; ci < channels; ci++)
                for (int iy = 0; iy < h; iy++)
                    Copy(px + (ci * h + iy) * w, pp + (ci * hp + iy + p) * wp + p, w);
            float* dst = pc;
            for (int ci = 0; ci < channels; ci++)
                for (int ky = 0; ky < _kh; ky++)
                    for (int kx = 0; kx < _kw; kx++)
                        for (int oy = 0; oy < _hout; oy++, dst += _wout)
                        {
                            float* src = pp + (ci * hp + oy * _stride + ky) * wp + kx;
                            if (_stride == 1) Copy(src, dst, _wout);
                            else for (int ox = 0; ox < _wout; ox++) dst[ox] = src[ox * _stride];
                        }
        }
    }

    private static unsafe void Copy(float* src, float* dst, int n)
    {
        int i = 0;
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) System.Runtime.Intrinsics.Vector512.Store(System.Runtime.Intrinsics.Vector512.Load(src + i), dst + i);
        for (; i + 8 <= n; i += 8) System.Runtime.Intrinsics.Vector256.Store(System.Runtime.Intrinsics.Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] = src[i];
    }

    private void Col2ImAccumulate(ReadOnlySpan<float> col, Span<float> dx)
    {
        int row = 0;
        for (int ci = 0; ci < _cin; ci++)
            for (int ky = 0; ky < _kh; ky++)
                for (int kx = 0; kx < _kw; kx++, row++)
                {
                    var src = col.Slice(row * _hw, _hw);
                    for (int oy = 0; oy < _hout; oy++)
                    {
                        int iy = oy * _stride - _pad + ky;
                        if ((uint)iy >= (uint)_hin) continue;
                        var dRow = dx.Slice((ci * _hin + iy) * _win, _win);
                        var s = src.Slice(oy * _wout, _wout);
                        if (_stride == 1)
                        {
                            int lo = Math.Max(0, _pad - kx), hi = Math.Min(_wout, _win + _pad - kx);
                            if (hi > lo)
                            {
                                var target = dRow.Slice(lo - _pad + kx, hi - lo);
                                TensorPrimitives.Add(target, s.Slice(lo, hi - lo), target);
                            }
                        }
                        else
                        {
                            for (int ox = 0; ox < _wout; ox++)
                            {
                                int ix = ox * _stride - _pad + kx;
                                if ((uint)ix < (uint)_win) dRow[ix] += s[ox];
                            }
                        }
                    }
                }
    }
}
