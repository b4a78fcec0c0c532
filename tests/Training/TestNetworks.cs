using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Training;

/// <summary>
/// Builds small IR networks from Layer records for the trainer's tests (the zoo is another component's job).
/// Every convolution can carry a normalization site right after it, as in the reference definitions.
/// </summary>
internal sealed class NetSketch(Shape input)
{
    private readonly List<Layer> _layers = [];
    private readonly List<NormSite> _sites = [];
    private readonly Shape _input = input;

    public int Last => _layers.Count - 1;
    public Shape ShapeOf(int layer) => layer < 0 ? _input : _layers[layer].Output;

    private int Push(string prefix, LayerKind kind, int[] inputs, Shape output, int k = 1, int stride = 1, int pad = 0, bool bias = false)
    {
        _layers.Add(new Layer
        {
            Name = $"{prefix}{_layers.Count}", Kind = kind, Inputs = inputs, Input = ShapeOf(inputs[0]), Output = output,
            KernelHeight = k, KernelWidth = k, Stride = stride, Padding = pad, HasBias = bias,
        });
        return Last;
    }

    public int Conv(int cout, int k = 3, int stride = 1, int pad = 1, bool site = true, bool bias = false, int from = int.MinValue)
    {
        int src = from == int.MinValue ? Last : from;
        var s = ShapeOf(src);
        var o = new Shape(cout, (s.Height + 2 * pad - k) / stride + 1, (s.Width + 2 * pad - k) / stride + 1);
        int j = Push("conv", LayerKind.Convolution, [src], o, k, stride, pad, bias);
        if (site) _sites.Add(new NormSite(_sites.Count, j, o));
        return j;
    }

    public int Relu(int from = int.MinValue) { int s = from == int.MinValue ? Last : from; return Push("relu", LayerKind.Activation, [s], ShapeOf(s)); }

    public int MaxPool(int k, int stride, int pad = 0)
    {
        var s = ShapeOf(Last);
        return Push("maxpool", LayerKind.MaxPool, [Last], new Shape(s.Channels, (s.Height + 2 * pad - k) / stride + 1, (s.Width + 2 * pad - k) / stride + 1), k, stride, pad);
    }

    public int AvgPool(int k, int stride, int pad = 0)
    {
        var s = ShapeOf(Last);
        return Push("avgpool", LayerKind.AvgPool, [Last], new Shape(s.Channels, (s.Height + 2 * pad - k) / stride + 1, (s.Width + 2 * pad - k) / stride + 1), k, stride, pad);
    }

    public int Gap() => Push("gap", LayerKind.GlobalAvgPool, [Last], new Shape(ShapeOf(Last).Channels, 1, 1));
    public int Flatten() => Push("flatten", LayerKind.Flatten, [Last], new Shape((int)ShapeOf(Last).Elements, 1, 1));
    public int Linear(int outputs, bool bias = true) => Push("fc", LayerKind.Linear, [Last], new Shape(outputs, 1, 1), bias: bias);
    public int Add(int a, int b) => Push("add", LayerKind.Add, [a, b], ShapeOf(a));

    public Network Build(string name, int classes) =>
        new(name, "generated", classes, _input, _layers.ToArray(), _sites.ToArray(), referenceHasNormalization: true);

    /// <summary>The plain family of issue 5: D 3×3 convolutions of constant width, stride 2 at layers D/3 and 2D/3,
    /// a site after every convolution, ReLU, global average pool, linear.</summary>
    public static Network Plain(int depth, int width = 16, int size = 16, int channels = 1, int classes = 10)
    {
        var s = new NetSketch(new Shape(channels, size, size));
        for (int i = 0; i < depth; i++)
        {
            s.Conv(width, stride: i == depth / 3 || i == 2 * depth / 3 ? 2 : 1);
            s.Relu();
        }
        s.Gap();
        s.Linear(classes);
        return s.Build($"plain{depth}", classes);
    }

    /// <summary>CIFAR ResNet (He et al. 2016, option-A shortcuts): 6n+2 layers, widths 16/32/64.</summary>
    public static Network CifarResNet(int n, int size = 32, int channels = 3, int classes = 10, int baseWidth = 16)
    {
        var s = new NetSketch(new Shape(channels, size, size));
        s.Conv(baseWidth); int x = s.Relu();
        for (int stage = 0; stage < 3; stage++)
            for (int b = 0; b < n; b++)
            {
                int w = baseWidth << stage, stride = stage > 0 && b == 0 ? 2 : 1;
                s.Conv(w, stride: stride, from: x); s.Relu();
                int y = s.Conv(w);
                s.Add(y, x);
                x = s.Relu();
            }
        s.Gap();
        s.Linear(classes);
        return s.Build($"resnet{6 * n + 2}", classes);
    }
}
