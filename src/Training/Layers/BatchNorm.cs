using System.Numerics.Tensors;
using DeepTrain.Training.Kernels;

namespace DeepTrain.Training.Layers;

/// <summary>
/// Batch normalization at an active site, PyTorch semantics: training normalizes with the batch mean and biased
/// variance over N·H·W and updates running statistics (momentum 0.1, unbiased variance); evaluation uses the running
/// statistics; affine γ (init 1) and β (init 0); ε = 1e-5. Parallel over channels, so results do not depend on the
/// thread count. Backward: dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)).
/// </summary>
internal sealed class BatchNorm : LayerOp
{
    public const float Epsilon = 1e-5f;
    public const float Momentum = 0.1f;

    private readonly Tensor _x;
    private readonly int _c, _hw;
    private readonly Parameter _gamma, _beta;
    private readonly float[] _xhat;
    private readonly float[] _invStd;
    private readonly float[][] _scratch;
    private int _n;
    private int _phase;   // 0 train forward, 1 eval forward, 2 backward

    public BatchNorm(string name, Tensor x, Tensor output, int maxBatch, int threads) : base(name, output)
    {
        _x = x;
        _c = x.Shape.Channels;
        _hw = x.Shape.Height * x.Shape.Width;
        _gamma = new Parameter(name + ".gamma", _c, decay: true);
        _beta = new Parameter(name + ".beta", _c, decay: true);
        Array.Fill(_gamma.Value, 1f);
        RunningMean = new float[_c];
        RunningVar = new float[_c];
        Array.Fill(RunningVar, 1f);
        _xhat = new float[maxBatch * x.Elements];
        _invStd = new float[_c];
        _scratch = new float[threads][];
        for (int t = 0; t < threads; t++) _scratch[t] = new float[_hw];
    }

    public float[] RunningMean { get; }
    public float[] RunningVar { get; }
    public Parameter Gamma => _gamma;
    public Parameter Beta => _beta;
    public override IReadOnlyList<Parameter> Parameters => [_gamma, _beta];

    public override void Forward(int n, bool training, WorkerPool pool)
    {
        _n = n; _phase = training ? 0 : 1;
        pool.Run(this, _c);
    }

    public override void Backward(int n, WorkerPool pool)
    {
        _n = n; _phase = 2;
        pool.Run(this, _c);
    }

    public override void Execute(int c, int worker)
    {
        int stride = _x.Elements;
        int off = c * _hw;
        if (_phase == 1)
        {
            float scale = _gamma.Value[c] / MathF.Sqrt(RunningVar[c] + Epsilon);
            float shift = _beta.Value[c] - RunningMean[c] * scale;
            for (int b = 0; b < _n; b++)
                Simd.ScaleShift(_x.Data.AsSpan(b * stride + off, _hw), scale, shift, Output.Data.AsSpan(b * stride + off, _hw));
            return;
        }
        double count = (double)_n * _hw;
        if (_phase == 0)
        {
            double sum = 0;
            for (int b = 0; b < _n; b++) sum += TensorPrimitives.Sum(_x.Data.AsSpan(b * stride + off, _hw));
            float mean = (float)(sum / count);
            double sq = 0;
            for (int b = 0; b < _n; b++)
            {
                var xh = _xhat.AsSpan(b * stride + off, _hw);
                TensorPrimitives.Subtract(_x.Data.AsSpan(b * stride + off, _hw), mean, xh);
                sq += TensorPrimitives.SumOfSquares(xh);
            }
            double variance = sq / count;
            float inv = (float)(1.0 / Math.Sqrt(variance + Epsilon));
            _invStd[c] = inv;
            float g = _gamma.Value[c], beta = _beta.Value[c];
            for (int b = 0; b < _n; b++)
            {
                var xh = _xhat.AsSpan(b * stride + off, _hw);
                TensorPrimitives.Multiply(xh, inv, xh);
                Simd.ScaleShift(xh, g, beta, Output.Data.AsSpan(b * stride + off, _hw));
            }
            double unbiased = count > 1 ? sq / (count - 1) : variance;
            RunningMean[c] = (1 - Momentum) * RunningMean[c] + Momentum * mean;
            RunningVar[c] = (float)((1 - Momentum) * RunningVar[c] + Momentum * unbiased);
            return;
        }
        // backward
        double sdy = 0, sdyx = 0;
        for (int b = 0; b < _n; b++)
        {
            var dy = Output.Grad.AsSpan(b * stride + off, _hw);
            sdy += TensorPrimitives.Sum(dy);
            sdyx += TensorPrimitives.Dot(dy, _xhat.AsSpan(b * stride + off, _hw));
        }
        _beta.Grad[c] = (float)sdy;
        _gamma.Grad[c] = (float)sdyx;
        if (_x.Grad is null) return;
        float k = _gamma.Value[c] * _invStd[c];
        float meanDy = (float)(sdy / count), meanDyx = (float)(sdyx / count);
        var t = _scratch[worker].AsSpan(0, _hw);
        for (int b = 0; b < _n; b++)
        {
            var dy = Output.Grad.AsSpan(b * stride + off, _hw);
            var dx = _x.Grad.AsSpan(b * stride + off, _hw);
            TensorPrimitives.MultiplyAdd(_xhat.AsSpan(b * stride + off, _hw), -meanDyx, dy, t);   // dy − x̂·mean(dy·x̂)
            TensorPrimitives.Add(t, -meanDy, t);
            if (_x.GradAccumulates) TensorPrimitives.MultiplyAdd(t, k, dx, dx);
            else TensorPrimitives.Multiply(t, k, dx);
        }
    }
}
