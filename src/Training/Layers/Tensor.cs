using DeepTrain.Model.Workloads;

namespace DeepTrain.Training.Layers;

/// <summary>
/// Activations of one graph node for a whole batch, NCHW, float32, allocated once for the largest batch; and the
/// gradient of the loss with respect to them (null for the network input, whose gradient nobody needs).
/// </summary>
internal sealed class Tensor
{
    public Tensor(Shape shape, int maxBatch, bool withGrad)
    {
        Shape = shape;
        Elements = checked((int)shape.Elements);
        Data = new float[checked(Elements * maxBatch)];
        Grad = withGrad ? new float[Data.Length] : null;
    }

    public Shape Shape { get; }
    /// <summary>Elements per image.</summary>
    public int Elements { get; }
    public float[] Data { get; }
    public float[]? Grad { get; }

    /// <summary>Layers reading this tensor. With one reader, its backward overwrites <see cref="Grad"/>; with more, they
    /// all add into it and the network clears it before the backward pass.</summary>
    public int Consumers { get; set; }
    /// <summary>True when backward must add into <see cref="Grad"/> rather than overwrite it.</summary>
    public bool GradAccumulates => Consumers > 1;

    public Span<float> Image(int b) => Data.AsSpan(b * Elements, Elements);
    public Span<float> GradImage(int b) => Grad.AsSpan(b * Elements, Elements);
}

/// <summary>A learned tensor with its gradient and SGD momentum buffer.</summary>
public sealed class Parameter
{
    internal Parameter(string name, int size, bool decay)
    {
        Name = name;
        Value = new float[size];
        Grad = new float[size];
        Velocity = new float[size];
        Decay = decay;
    }

    /// <summary>Layer name and role, e.g. "conv3.weight", "conv3.bn.gamma".</summary>
    public string Name { get; }
    public float[] Value { get; }
    public float[] Grad { get; }
    public float[] Velocity { get; }
    /// <summary>Whether weight decay applies (all parameters by default, as PyTorch's SGD does).</summary>
    public bool Decay { get; }
}

/// <summary>Splits a batch into a fixed number of contiguous chunks, independent of the thread count.</summary>
internal static class Chunks
{
    /// <summary>Chunks per batch for work whose partial results are reduced (weight gradients).</summary>
    public const int PerBatch = 8;

    public static int Count(int n) => Math.Min(PerBatch, n);

    public static (int Start, int Length) Range(int n, int count, int chunk)
    {
        int q = n / count, r = n % count;
        int start = chunk * q + Math.Min(chunk, r);
        return (start, q + (chunk < r ? 1 : 0));
    }
}

/// <summary>One node of the compiled training graph: forward and backward over a batch of n images.</summary>
internal abstract class LayerOp : Kernels.IChunkJob
{
    protected LayerOp(string name, Tensor output) { Name = name; Output = output; }

    public string Name { get; }
    public Tensor Output { get; }
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Computes <see cref="Output"/> for images 0..n−1 (training: batch statistics; eval: running ones).</summary>
    public abstract void Forward(int n, bool training, Kernels.WorkerPool pool);

    /// <summary>Adds the input gradients (inputs' Grad) and sets parameter gradients from Output.Grad.</summary>
    public abstract void Backward(int n, Kernels.WorkerPool pool);

    /// <summary>One chunk of the pass in progress (layers that run on the pool override this).</summary>
    public virtual void Execute(int chunk, int worker) => throw new InvalidOperationException($"{Name} has no parallel pass");
}
