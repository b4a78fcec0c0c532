namespace DeepTrain.Model.Workloads;

/// <summary>
/// Builds a <see cref="Network"/> layer by layer, inferring every output shape and validating as it goes.
/// Each append method takes its producer (<c>from</c>: an earlier layer index, <see cref="NetworkInput"/> for the
/// network input, or null for the layer appended last) and returns the new layer's index.
/// <see cref="AddSite"/> records a normalization site after a layer. Invalid shapes throw <see cref="WorkloadError"/>
/// naming the layer and the field.
/// </summary>
/// <remarks>
/// Shape rules (PyTorch semantics, floor mode): convolution and pooling give
/// out = ⌊(in + 2·padding − kernel) / stride⌋ + 1. Pooling requires padding ≤ kernel/2 as PyTorch does.
/// Linear needs a C×1×1 input (use <see cref="Flatten"/> or <see cref="GlobalAvgPool"/> first).
/// Add: the output is the first input's shape; each further input must equal it, or be an option-A shortcut
/// (He et al. 2016): fewer or equal channels (zero-padded) and a spatial size that is an integer multiple s of the
/// first input's (subsampled with stride s); the Add then records <see cref="Layer.Stride"/> = s.
/// </remarks>
public sealed class NetworkBuilder
{
    /// <summary>The <c>from</c> value that denotes the network input.</summary>
    public const int NetworkInput = -1;

    /// <summary>Largest activation tensor of one image (any layer's output or the input): 2^40 ≈ 1.1e12 elements,
    /// 4 TB of FP32 per image, far beyond any trained CNN (ResNet-50's largest is 8e5). Keeps every element, pixel
    /// and site count exact in 64 bits (docs/NETWORK_FORMAT.md, "Bounds").</summary>
    public const long MaxElementsPerImage = 1L << 40;

    /// <summary>Largest weight count of one layer, and of the whole network: 2^40 ≈ 1.1e12 (the largest published
    /// models have ~1e12 parameters).</summary>
    public const long MaxParameters = 1L << 40;

    /// <summary>Largest multiply-accumulate count per image, per layer and per pass (forward: weights × output
    /// pixels; backward error: weights × input pixels), and over the whole network: 2^50 ≈ 1.1e15 (ResNet-50: 4.1e9).
    /// With at most 64 weight slices, three weight copies and 2^20 chips, crossbar cycles then stay within 64 bits.</summary>
    public const long MaxMacs = 1L << 50;

    private readonly string _name;
    private readonly string _inputKind;
    private readonly int _classes;
    private readonly Shape _input;
    private readonly List<Layer> _layers = new();
    private readonly List<int> _siteLayers = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public NetworkBuilder(string name, string inputKind, int classes, Shape input)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new WorkloadError("network: 'name' must not be empty");
        if (classes < 1) throw new WorkloadError($"network '{name}': 'classes' must be ≥ 1, got {classes}");
        if (input.Channels < 1 || input.Height < 1 || input.Width < 1)
            throw new WorkloadError($"network '{name}': 'input' shape {input} must have every dimension ≥ 1");
        if (ElementsOf(input) > MaxElementsPerImage)
            throw new WorkloadError($"network '{name}': 'input' shape {input} has {ElementsOf(input):G4} elements per image; at most {MaxElementsPerImage} are modelled");
        _name = name; _inputKind = inputKind; _classes = classes; _input = input;
    }

    /// <summary>Number of layers appended so far.</summary>
    public int Count => _layers.Count;

    /// <summary>Index of the layer appended last (<see cref="NetworkInput"/> when empty).</summary>
    public int Last => _layers.Count - 1;

    /// <summary>Output shape of layer <paramref name="index"/> (or of the network input for −1).</summary>
    public Shape OutputOf(int index) => index == NetworkInput ? _input : _layers[index].Output;

    public int Conv(string name, int outChannels, int kernel, int stride = 1, int padding = 0, int groups = 1,
                    bool bias = false, int? from = null) =>
        Conv(name, outChannels, kernel, kernel, stride, padding, groups, bias, from);

    public int Conv(string name, int outChannels, int kernelHeight, int kernelWidth, int stride, int padding,
                    int groups, bool bias, int? from)
    {
        int at = _layers.Count;
        int src = Producer(name, at, from);
        var i = OutputOf(src);
        Positive(name, at, "outChannels", outChannels);
        Positive(name, at, "kernel", kernelHeight);
        Positive(name, at, "kernel", kernelWidth);
        Positive(name, at, "stride", stride);
        Positive(name, at, "groups", groups);
        if (padding < 0) Fail(name, at, "padding", $"must be ≥ 0, got {padding}");
        if (i.Channels % groups != 0) Fail(name, at, "groups", $"{groups} does not divide the {i.Channels} input channels");
        if (outChannels % groups != 0) Fail(name, at, "groups", $"{groups} does not divide outChannels {outChannels}");
        int h = Window(name, at, "kernel", i.Height, kernelHeight, stride, padding);
        int w = Window(name, at, "kernel", i.Width, kernelWidth, stride, padding);
        return Append(new Layer
        {
            Name = name, Kind = LayerKind.Convolution, Inputs = [src], Input = i, Output = new Shape(outChannels, h, w),
            KernelHeight = kernelHeight, KernelWidth = kernelWidth, Stride = stride, Padding = padding, Groups = groups,
            HasBias = bias,
        });
    }

    public int Linear(string name, int outFeatures, bool bias = true, int? from = null)
    {
        int at = _layers.Count;
        int src = Producer(name, at, from);
        var i = OutputOf(src);
        Positive(name, at, "outFeatures", outFeatures);
        if (i.Height != 1 || i.Width != 1)
            Fail(name, at, "input", $"linear needs a Cx1x1 input but gets {i}; flatten or pool first");
        return Append(new Layer
        {
            Name = name, Kind = LayerKind.Linear, Inputs = [src], Input = i, Output = new Shape(outFeatures, 1, 1),
            HasBias = bias,
        });
    }

    public int MaxPool(string name, int kernel, int stride, int padding = 0, int? from = null) =>
        Pool(LayerKind.MaxPool, name, kernel, stride, padding, from);

    public int AvgPool(string name, int kernel, int stride, int padding = 0, int? from = null) =>
        Pool(LayerKind.AvgPool, name, kernel, stride, padding, from);

    /// <summary>
    /// PyTorch's AdaptiveAvgPool2d to <paramref name="outHeight"/>×<paramref name="outWidth"/>, supported when the input
    /// size is a multiple of the output size: it is then an <see cref="LayerKind.AvgPool"/> with kernel = stride =
    /// in/out (kernel 1 = identity, as torchvision VGG's 7×7 pool at 224×224 input).
    /// </summary>
    public int AdaptiveAvgPool(string name, int outHeight, int outWidth, int? from = null)
    {
        int at = _layers.Count;
        int src = Producer(name, at, from);
        var i = OutputOf(src);
        Positive(name, at, "outHeight", outHeight);
        Positive(name, at, "outWidth", outWidth);
        if (i.Height % outHeight != 0 || i.Width % outWidth != 0 || i.Height / outHeight != i.Width / outWidth)
            Fail(name, at, "output", $"adaptive pool from {i.Height}x{i.Width} to {outHeight}x{outWidth} is not a uniform pool");
        int k = i.Height / outHeight;
        return Append(new Layer
        {
            Name = name, Kind = LayerKind.AvgPool, Inputs = [src], Input = i, Output = new Shape(i.Channels, outHeight, outWidth),
            KernelHeight = k, KernelWidth = k, Stride = k,
        });
    }

    /// <summary>Average over all pixels to C×1×1.</summary>
    public int GlobalAvgPool(string name, int? from = null)
    {
        int at = _layers.Count;
        int src = Producer(name, at, from);
        var i = OutputOf(src);
        return Append(new Layer
        {
            Name = name, Kind = LayerKind.GlobalAvgPool, Inputs = [src], Input = i, Output = new Shape(i.Channels, 1, 1),
            KernelHeight = i.Height, KernelWidth = i.Width, Stride = 1,
        });
    }

    /// <summary>Element-wise ReLU.</summary>
    public int Activation(string name, int? from = null) => Unary(LayerKind.Activation, name, from, s => s);

    /// <summary>Dropout: identity for shapes and cost.</summary>
    public int Dropout(string name, int? from = null) => Unary(LayerKind.Dropout, name, from, s => s);

    /// <summary>C×H×W → (C·H·W)×1×1.</summary>
    public int Flatten(string name, int? from = null) => Unary(LayerKind.Flatten, name, from, s =>
    {
        if (s.Elements > int.MaxValue) throw new WorkloadError($"layer '{name}' (#{_layers.Count}): input {s} is too large to flatten");
        return new Shape((int)s.Elements, 1, 1);
    });

    /// <summary>Residual add. The first input is the main branch and fixes the output shape; later inputs equal it or
    /// are option-A shortcuts (see the class remarks).</summary>
    public int Add(string name, params int[] inputs)
    {
        int at = _layers.Count;
        CheckName(name, at);
        if (inputs.Length < 2) Fail(name, at, "inputs", $"add needs at least 2 inputs, got {inputs.Length}");
        foreach (var src in inputs) CheckProducer(name, at, src);
        var main = OutputOf(inputs[0]);
        int stride = 1;
        for (int k = 1; k < inputs.Length; k++)
        {
            var o = OutputOf(inputs[k]);
            if (o == main) continue;
            bool optionA = o.Channels <= main.Channels && o.Height % main.Height == 0 && o.Width % main.Width == 0
                           && o.Height / main.Height == o.Width / main.Width;
            if (!optionA)
                Fail(name, at, "inputs", $"input {k} has shape {o}, which neither equals nor is an option-A shortcut to {main}");
            int s = o.Height / main.Height;
            if (stride != 1 && s != stride && s != 1) Fail(name, at, "inputs", "option-A shortcuts with different strides");
            stride = Math.Max(stride, s);
        }
        return Append(new Layer
        {
            Name = name, Kind = LayerKind.Add, Inputs = (int[])inputs.Clone(), Input = main, Output = main, Stride = stride,
        });
    }

    /// <summary>Channel concatenation; all inputs must share height and width.</summary>
    public int Concat(string name, params int[] inputs)
    {
        int at = _layers.Count;
        CheckName(name, at);
        if (inputs.Length < 2) Fail(name, at, "inputs", $"concat needs at least 2 inputs, got {inputs.Length}");
        foreach (var src in inputs) CheckProducer(name, at, src);
        var first = OutputOf(inputs[0]);
        long c = 0;
        for (int k = 0; k < inputs.Length; k++)
        {
            var o = OutputOf(inputs[k]);
            if (o.Height != first.Height || o.Width != first.Width)
                Fail(name, at, "inputs", $"input {k} is {o} but input 0 is {first}; concat needs equal height and width");
            c += o.Channels;
            if (c > int.MaxValue)
                Fail(name, at, "inputs", $"concatenate more than {int.MaxValue} channels (after input {k})");
        }
        return Append(new Layer
        {
            Name = name, Kind = LayerKind.Concat, Inputs = (int[])inputs.Clone(), Input = first, Output = new Shape((int)c, first.Height, first.Width),
        });
    }

    /// <summary>Records a normalization site on the output of <paramref name="layer"/> (default: the last layer).</summary>
    public void AddSite(int? layer = null)
    {
        int l = layer ?? Last;
        if (l < 0 || l >= _layers.Count)
            throw new WorkloadError($"network '{_name}': site after layer #{l} refers to no layer (have {_layers.Count})");
        if (_siteLayers.Contains(l))
            throw new WorkloadError($"layer '{_layers[l].Name}' (#{l}): 'site' is recorded twice");
        _siteLayers.Add(l);
    }

    /// <summary>
    /// Validates and returns the network. Sites are numbered in layer order (the mask order). The last layer must
    /// produce <c>classes</c>×1×1.
    /// </summary>
    public Network Build(bool referenceHasNormalization = true)
    {
        if (_layers.Count == 0) throw new WorkloadError($"network '{_name}': 'layers' is empty");
        var last = _layers[^1];
        if (last.Output != new Shape(_classes, 1, 1))
            throw new WorkloadError($"layer '{last.Name}' (#{_layers.Count - 1}): output {last.Output} does not match 'classes' {_classes} (expected {_classes}x1x1)");
        double weights = 0, macs = 0;
        foreach (var l in _layers)
        {
            if (!l.IsWeighted) continue;
            weights += l.Parameters;
            macs += (double)l.Parameters * Math.Max((double)l.Output.Height * l.Output.Width,
                                                      l.Kind == LayerKind.Convolution ? (double)l.Input.Height * l.Input.Width : 1);
        }
        if (weights > MaxParameters)
            throw new WorkloadError($"network '{_name}': 'layers' hold {weights:G4} weights in all; at most {MaxParameters} are modelled");
        if (macs > MaxMacs)
            throw new WorkloadError($"network '{_name}': 'layers' need {macs:G4} multiply-accumulates per image in one pass; at most {MaxMacs} are modelled");
        var order = _siteLayers.ToArray();
        Array.Sort(order);
        var sites = new NormSite[order.Length];
        for (int s = 0; s < order.Length; s++) sites[s] = new NormSite(s, order[s], _layers[order[s]].Output);
        return new Network(_name, _inputKind, _classes, _input, _layers.ToArray(), sites, referenceHasNormalization);
    }

    private int Pool(LayerKind kind, string name, int kernel, int stride, int padding, int? from)
    {
        int at = _layers.Count;
        int src = Producer(name, at, from);
        var i = OutputOf(src);
        Positive(name, at, "kernel", kernel);
        Positive(name, at, "stride", stride);
        if (padding < 0 || 2 * padding > kernel) Fail(name, at, "padding", $"must be between 0 and kernel/2 = {kernel / 2}, got {padding}");
        int h = Window(name, at, "kernel", i.Height, kernel, stride, padding);
        int w = Window(name, at, "kernel", i.Width, kernel, stride, padding);
        return Append(new Layer
        {
            Name = name, Kind = kind, Inputs = [src], Input = i, Output = new Shape(i.Channels, h, w),
            KernelHeight = kernel, KernelWidth = kernel, Stride = stride, Padding = padding,
        });
    }

    private int Unary(LayerKind kind, string name, int? from, Func<Shape, Shape> shape)
    {
        int at = _layers.Count;
        int src = Producer(name, at, from);
        var i = OutputOf(src);
        return Append(new Layer { Name = name, Kind = kind, Inputs = [src], Input = i, Output = shape(i) });
    }

    private int Producer(string name, int at, int? from)
    {
        CheckName(name, at);
        int src = from ?? Last;
        CheckProducer(name, at, src);
        return src;
    }

    private void CheckName(string name, int at)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new WorkloadError($"layer #{at}: 'name' must not be empty");
        if (_names.Contains(name)) Fail(name, at, "name", "is used by an earlier layer");
    }

    private void CheckProducer(string name, int at, int src)
    {
        if (src < NetworkInput || src >= at)
            Fail(name, at, "inputs", $"refers to layer #{src}, but only the network input (-1) and layers #0..#{at - 1} come before it");
    }

    private static int Window(string name, int at, string field, int size, int kernel, int stride, int padding)
    {
        long padded = size + 2L * padding, span = padded - kernel;
        if (span < 0) Fail(name, at, field, $"{kernel} is larger than the padded input {padded}");
        long o = span / stride + 1;
        if (o > int.MaxValue) Fail(name, at, "padding", $"{padding} gives an output size of {o}, more than {int.MaxValue}");
        return (int)o;
    }

    /// <summary>C·H·W in floating point (exact below 2^53), so that a bound check never overflows.</summary>
    private static double ElementsOf(Shape s) => (double)s.Channels * s.Height * s.Width;

    /// <summary>Every count of the layer within the documented bounds (see <see cref="MaxElementsPerImage"/>,
    /// <see cref="MaxParameters"/>, <see cref="MaxMacs"/>); computed in floating point so the check itself cannot
    /// overflow. Past these checks <see cref="Layer"/>'s integer properties are exact.</summary>
    private static void CheckCounts(Layer l, int at)
    {
        double elements = ElementsOf(l.Output);
        if (elements > MaxElementsPerImage)
            Fail(l.Name, at, "output", $"{l.Output} has {elements:G4} elements per image; at most {MaxElementsPerImage} are modelled");
        if (!l.IsWeighted) return;
        double fanIn = l.Kind == LayerKind.Convolution ? (double)l.KernelHeight * l.KernelWidth * (l.Input.Channels / l.Groups) : l.Input.Channels;
        string field = l.Kind == LayerKind.Convolution ? "kernel" : "out";
        if (fanIn > int.MaxValue)
            Fail(l.Name, at, field, $"gives a fan-in (kernel × kernel × channels/groups) of {fanIn:G4}, more than {int.MaxValue}");
        double weights = fanIn * l.Output.Channels;
        if (weights > MaxParameters)
            Fail(l.Name, at, field, $"gives {weights:G4} weights; at most {MaxParameters} per layer are modelled");
        double outPixels = (double)l.Output.Height * l.Output.Width;
        double inPixels = l.Kind == LayerKind.Convolution ? (double)l.Input.Height * l.Input.Width : 1;
        double macs = weights * Math.Max(outPixels, inPixels);
        if (macs > MaxMacs)
            Fail(l.Name, at, field, $"gives {macs:G4} multiply-accumulates per image in one pass; at most {MaxMacs} per layer are modelled");
    }

    private static void Positive(string name, int at, string field, int value)
    {
        if (value < 1) Fail(name, at, field, $"must be ≥ 1, got {value}");
    }

    private static void Fail(string name, int at, string field, string what) =>
        throw new WorkloadError($"layer '{name}' (#{at}): '{field}' {what}");

    private int Append(Layer layer)
    {
        CheckCounts(layer, _layers.Count);
        _layers.Add(layer);
        _names.Add(layer.Name);
        return _layers.Count - 1;
    }
}
