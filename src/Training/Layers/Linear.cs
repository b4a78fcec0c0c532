using System.Numerics.Tensors;
using DeepTrain.Training.Kernels;

namespace DeepTrain.Training.Layers;

/// <summary>Fully connected layer on the flattened input: y[b] = W·x[b] + bias, W is [out × in] (PyTorch layout).</summary>
internal sealed class Linear : LayerOp
{
    private readonly Tensor _x;
    private readonly int _in, _out;
    private readonly Parameter _w;
    private readonly Parameter? _b;

    public Linear(string name, Tensor x, Tensor output, bool bias) : base(name, output)
    {
        _x = x;
        _in = x.Elements;
        _out = output.Elements;
        _w = new Parameter(name + ".weight", _out * _in, decay: true);
        _b = bias ? new Parameter(name + ".bias", _out, decay: true) : null;
    }

    public Parameter Weight => _w;
    public Parameter? Bias => _b;
    public int FanIn => _in;
    public override IReadOnlyList<Parameter> Parameters => _b is null ? [_w] : [_w, _b];

    public override void Forward(int n, bool training, WorkerPool pool)
    {
        Gemm.NT(n, _out, _in, _x.Data, _in, _w.Value, _in, Output.Data, _out, accumulate: false);
        if (_b is null) return;
        for (int b = 0; b < n; b++) TensorPrimitives.Add(Output.Image(b), _b.Value, Output.Image(b));
    }

    public override void Backward(int n, WorkerPool pool)
    {
        // dW[o, i] = Σ_b dy[b, o]·x[b, i]: rank-1 updates in image order (deterministic).
        Array.Clear(_w.Grad);
        for (int b = 0; b < n; b++)
        {
            var x = _x.Image(b); var dy = Output.GradImage(b);
            for (int o = 0; o < _out; o++)
            {
                var row = _w.Grad.AsSpan(o * _in, _in);
                TensorPrimitives.MultiplyAdd(x, dy[o], row, row);
            }
        }
        if (_b is not null)
        {
            Array.Clear(_b.Grad);
            for (int b = 0; b < n; b++) TensorPrimitives.Add(_b.Grad, Output.GradImage(b), _b.Grad);
        }
        if (_x.Grad is not null)
            Gemm.NN(n, _in, _out, Output.Grad, _out, _w.Value, _in, _x.Grad, _in, accumulate: _x.GradAccumulates);
    }
}
