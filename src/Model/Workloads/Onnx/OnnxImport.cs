using Google.Protobuf;

namespace DeepTrain.Model.Workloads.Onnx;

/// <summary>Where an imported network's normalization sites go.</summary>
public enum OnnxSiteRule
{
    /// <summary>One site per BatchNormalization node; when the file has none, one candidate site per convolution
    /// (the reference then does not normalize, as the plain VGGs).</summary>
    Auto,
    /// <summary>One site per BatchNormalization node only (a file without BN nodes has no sites).</summary>
    BatchNorm,
    /// <summary>One candidate site after every convolution, whatever BN nodes the file has (the reference normalizes
    /// only if every convolution is followed by a BN node).</summary>
    Convs,
}

/// <summary>An imported network and the import's warnings (one line each), which the launcher prints on stderr.</summary>
public sealed record OnnxImportResult(Network Network, IReadOnlyList<string> Warnings);

/// <summary>
/// Imports an ONNX model (a PyTorch export, see examples/pytorch/export_onnx.py) into the network IR through
/// <see cref="NetworkBuilder"/>, which infers and checks every shape from the graph input and the initializers' dims;
/// <c>value_info</c> is not needed. Weight values are never read, so files with external data or with shapes only
/// import the same. See docs/NETWORK_FORMAT.md (ONNX) for the supported operators and the site rule.
/// Every problem is a one-line <see cref="WorkloadError"/>; an unsupported node names its index, name and op type.
/// </summary>
public static class OnnxImport
{
    /// <summary>Element-wise operators imported as an activation layer (cost-wise all are one pass over the tensor).</summary>
    private static readonly HashSet<string> Activations =
    [
        "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "Tanh", "Clip", "HardSwish", "Elu", "Selu", "Celu",
        "Gelu", "Mish", "Softplus", "Softsign", "ThresholdedRelu", "Softmax", "LogSoftmax",
    ];

    /// <summary>Operators on shape tensors (Shape → Gather → Unsqueeze → Concat → Reshape chains): no layer.</summary>
    private static readonly HashSet<string> ShapeOps =
        ["Gather", "Unsqueeze", "Squeeze", "Cast", "ConstantOfShape", "Range", "Equal", "Where", "Expand", "Transpose"];

    private static readonly HashSet<string> ConstantArithmetic = ["Add", "Sub", "Mul", "Div"];

    /// <summary>The operator types the importer maps (docs/NETWORK_FORMAT.md lists them with their rules).</summary>
    public static IReadOnlyList<string> SupportedOps { get; } =
    [
        "Conv", "BatchNormalization", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "Add", "Concat", "Flatten", "Reshape", "Dropout", "Identity", "Constant", "Slice", "Pad", .. Activations,
    ];

    /// <summary>Reads and imports the file at <paramref name="path"/>; the network is named after the file.</summary>
    public static OnnxImportResult Read(string path, OnnxSiteRule sites = OnnxSiteRule.Auto)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new WorkloadError($"cannot read ONNX file '{path}': {e.Message}", e);
        }
        return Parse(bytes, path, Path.GetFileNameWithoutExtension(path), sites);
    }

    /// <summary><see cref="Read"/> without the warnings.</summary>
    public static Network Load(string path, OnnxSiteRule sites = OnnxSiteRule.Auto) => Read(path, sites).Network;

    /// <summary>Imports ONNX bytes; <paramref name="source"/> names them in messages, <paramref name="name"/> is the
    /// network's name.</summary>
    public static OnnxImportResult Parse(byte[] bytes, string source, string name, OnnxSiteRule sites = OnnxSiteRule.Auto)
    {
        OnnxModel model;
        try { model = OnnxReader.ReadModel(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new WorkloadError($"{source}: not an ONNX model ({e.Message})", e);
        }
        if (string.IsNullOrWhiteSpace(name)) name = string.IsNullOrWhiteSpace(model.Graph.Name) ? "onnx" : model.Graph.Name;
        try
        {
            // Pass 1 finds the class count (the output's channels), which the builder needs up front; pass 2 builds.
            var probe = new Importer(model.Graph, source, name, 1, sites);
            probe.Run();
            var real = new Importer(model.Graph, source, name, probe.OutputChannels, sites);
            real.Run();
            return new OnnxImportResult(real.Build(), real.Warnings);
        }
        catch (WorkloadError e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new WorkloadError($"{source}: {e.Message}", e);
        }
    }

    /// <summary>What a graph value is to the importer.</summary>
    private abstract record Value;
    /// <summary>An activation tensor: the output of builder layer <paramref name="Layer"/> (−1: the network input).</summary>
    private sealed record Act(int Layer) : Value;
    /// <summary>A constant (initializer or Constant node).</summary>
    private sealed record Const(OnnxTensor Tensor) : Value;
    /// <summary>An integer tensor computed from shapes at run time (value unknown here).</summary>
    private sealed record ShapeValue : Value;
    /// <summary>An option-A shortcut in the making: layer <paramref name="Layer"/>'s output subsampled by
    /// <paramref name="StrideH"/>×<paramref name="StrideW"/> (Slice) and zero-padded by <paramref name="ExtraChannels"/>
    /// channels (Pad; −1 when the pads are computed at run time).</summary>
    private sealed record Shortcut(int Layer, int StrideH, int StrideW, int ExtraChannels) : Value;

    private sealed class Importer(OnnxGraph graph, string source, string name, int classes, OnnxSiteRule rule)
    {
        private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
        private readonly HashSet<int> _bnSites = [];
        private readonly List<int> _convs = [];
        private readonly HashSet<string> _absorbedAdds = new(StringComparer.Ordinal);
        private NetworkBuilder _b = null!;
        private int _bnNodes, _convsWithBias;
        private int _outputLayer = NetworkBuilder.NetworkInput;

        public List<string> Warnings { get; } = [];
        public int OutputChannels { get; private set; }

        public void Run()
        {
            foreach (var t in graph.Initializers) _values[t.Name] = new Const(t);
            var input = NetworkInputShape();
            _b = new NetworkBuilder(name, InputKind(input.Shape), classes, input.Shape);
            _values[input.Name] = new Act(NetworkBuilder.NetworkInput);
            FindMatMulBiases();
            for (int k = 0; k < graph.Nodes.Count; k++) Node(k, graph.Nodes[k]);

            foreach (var o in graph.Outputs)
                if (_values.TryGetValue(o.Name, out var v) && v is Act a) { _outputLayer = a.Layer; break; }
            if (_outputLayer < 0) throw new WorkloadError("no graph output is computed from the input by imported layers");
            if (_outputLayer != _b.Last)
                throw new WorkloadError($"the graph output is layer '{LayerName(_outputLayer)}', but later layers exist; only single-output graphs are imported");
            var o1 = _b.OutputOf(_outputLayer);
            if (o1.Height != 1 || o1.Width != 1)
                throw new WorkloadError($"the graph output has shape {o1}; DeepTrain needs a vector of class scores (Flatten or Gemm last)");
            OutputChannels = o1.Channels;
        }

        public Network Build()
        {
            bool useBn = rule == OnnxSiteRule.BatchNorm || (rule == OnnxSiteRule.Auto && _bnNodes > 0);
            var sites = useBn ? _bnSites : new HashSet<int>(_convs);
            foreach (int l in sites) _b.AddSite(l);
            bool reference = useBn ? _bnNodes > 0 : _convs.Count > 0 && _convs.TrueForAll(_bnSites.Contains);
            if (_bnNodes == 0 && _convsWithBias > 0)
                Warnings.Add($"{source}: {_convsWithBias} Conv nodes have a bias and the file has no BatchNormalization node; "
                             + "if it was exported in eval mode, BN was folded into the convolutions (export in training mode, "
                             + "see examples/pytorch/export_onnx.py); "
                             + (rule == OnnxSiteRule.BatchNorm ? "no sites." : $"using one candidate site per convolution ({_convs.Count})."));
            return _b.Build(reference);
        }

        /// <summary>The first graph input that is not an initializer is the image batch. Later ones are parameters
        /// exported as inputs (torch.onnx.export(..., export_params=False)): constants with the dims of their type.</summary>
        private (string Name, Shape Shape) NetworkInputShape()
        {
            OnnxValueInfo? found = null;
            foreach (var i in graph.Inputs)
            {
                if (_values.ContainsKey(i.Name)) continue; // an initializer listed as an input (IR < 4)
                if (found is null) { found = i; continue; }
                if (i.Dims is null || Array.Exists(i.Dims, d => d is not >= 0))
                    throw new WorkloadError($"graph input '{i.Name}' is not the first input and has no fixed shape ({Dims(i.Dims)}); DeepTrain imports single-input CNNs");
                _values[i.Name] = new Const(new OnnxTensor(i.Name, Array.ConvertAll(i.Dims, d => d!.Value), 0, null));
            }
            if (found is null) throw new WorkloadError("the graph has no data input");
            var d = found.Dims;
            if (d is null || d.Length is not (3 or 4) || d[^3] is not > 0 || d[^2] is not > 0 || d[^1] is not > 0)
                throw new WorkloadError($"graph input '{found.Name}' must be an image batch N×C×H×W with fixed C, H, W; got {Dims(d)}");
            return (found.Name, new Shape(checked((int)d[^3]!.Value), checked((int)d[^2]!.Value), checked((int)d[^1]!.Value)));
        }

        private static string InputKind(Shape s) =>
            s == new Shape(3, 32, 32) ? "cifar" : s == new Shape(3, 224, 224) ? "imagenet" : "custom";

        /// <summary>MatMul + Add(constant) is a linear layer with bias: find such Adds before building.</summary>
        private void FindMatMulBiases()
        {
            var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
            foreach (var n in graph.Nodes)
                foreach (var i in n.Inputs)
                    (consumers.TryGetValue(i, out var l) ? l : consumers[i] = []).Add(n);
            foreach (var n in graph.Nodes)
            {
                if (n.OpType != "MatMul" || n.Outputs.Length == 0) continue;
                if (!consumers.TryGetValue(n.Outputs[0], out var c) || c.Count != 1 || c[0].OpType != "Add") continue;
                var add = c[0];
                string? other = add.In(0) == n.Outputs[0] ? add.In(1) : add.In(0);
                if (other is not null && _values.ContainsKey(other)) _absorbedAdds.Add(n.Outputs[0]);
            }
        }

        private void Node(int k, OnnxNode n)
        {
            string where = $"node #{k} '{NodeName(n)}' ({n.OpType})";
            if (n.Domain is not ("" or "ai.onnx"))
                throw new WorkloadError($"{where}: operator domain '{n.Domain}' is not supported (only the default ONNX domain)");
            string op = n.OpType;
            if (op == "Constant") { Set(n, 0, new Const(ConstantValue(n, where))); return; }
            // Arithmetic on constants and shapes (the pads of F.pad, the target of x.view(N, -1)): no layer.
            if (!ReadsActivation(n) && n.Inputs.Length > 0) { SetAll(n, new ShapeValue()); return; }
            if (op is "Shape" or "Size") { SetAll(n, new ShapeValue()); return; }
            if (ShapeOps.Contains(op)) throw Unsupported(k, n, "on an activation tensor");
            switch (op)
            {
                case "Conv": Set(n, 0, new Act(Conv(n, where))); break;
                case "BatchNormalization":
                {
                    var x = ActIn(n, 0, where);
                    if (x.Layer < 0) throw new WorkloadError($"{where}: normalizes the network input; sites must follow a layer");
                    if (!_bnSites.Add(x.Layer))
                        throw new WorkloadError($"{where}: a second BatchNormalization on the output of '{LayerName(x.Layer)}'");
                    _bnNodes++;
                    Set(n, 0, x); // the site is on the output of the layer BN follows; BN itself is not a layer
                    break;
                }
                case "Gemm": Set(n, 0, new Act(Gemm(n, where))); break;
                case "MatMul":
                {
                    var x = ActIn(n, 0, where);
                    var w = ConstIn(n, 1, where, "weight");
                    if (w.Dims.Length != 2) throw new WorkloadError($"{where}: weight '{w.Name}' must be 2-D, got [{string.Join(", ", w.Dims)}]");
                    CheckFeatures(x, w.Dims[0], where);
                    bool bias = _absorbedAdds.Contains(n.Outputs[0]);
                    Set(n, 0, new Act(_b.Linear(LayerNameFor(n), Int(w.Dims[1], where), bias, x.Layer)));
                    break;
                }
                case "MaxPool" or "AveragePool": Set(n, 0, new Act(Pool(n, where))); break;
                case "GlobalAveragePool": Set(n, 0, new Act(_b.GlobalAvgPool(LayerNameFor(n), ActIn(n, 0, where).Layer))); break;
                case "GlobalMaxPool":
                {
                    var x = ActIn(n, 0, where);
                    var s = _b.OutputOf(x.Layer);
                    if (s.Height != s.Width) throw new WorkloadError($"{where}: needs a square input, got {s}");
                    Set(n, 0, new Act(_b.MaxPool(LayerNameFor(n), s.Height, s.Height, 0, x.Layer)));
                    break;
                }
                case "Flatten":
                    if (n.Int("axis", 1) != 1) throw new WorkloadError($"{where}: only axis=1 (flatten to a vector per image) is supported");
                    Set(n, 0, new Act(_b.Flatten(LayerNameFor(n), ActIn(n, 0, where).Layer)));
                    break;
                case "Reshape": Set(n, 0, new Act(Reshape(n, where))); break;
                case "Dropout": Set(n, 0, new Act(_b.Dropout(LayerNameFor(n), ActIn(n, 0, where).Layer))); break;
                case "Identity": Set(n, 0, Get(n.In(0)) ?? throw Missing(where, 0)); break;
                case "Slice": Set(n, 0, Slice(n, where)); break;
                case "Pad": Set(n, 0, Pad(n, where)); break;
                case "Concat":
                {
                    if (n.Int("axis", 1) != 1) throw new WorkloadError($"{where}: only channel concatenation (axis=1) is supported");
                    var ins = new int[n.Inputs.Length];
                    for (int i = 0; i < ins.Length; i++) ins[i] = ActIn(n, i, where).Layer;
                    Set(n, 0, new Act(_b.Concat(LayerNameFor(n), ins)));
                    break;
                }
                case "Add" or "Sub" or "Mul" or "Div": Set(n, 0, Arithmetic(k, n, where)); break;
                default:
                    if (Activations.Contains(op)) { Set(n, 0, new Act(_b.Activation(LayerNameFor(n), ActIn(n, 0, where).Layer))); break; }
                    throw Unsupported(k, n, null);
            }
        }

        private WorkloadError Unsupported(int k, OnnxNode n, string? detail) =>
            new($"node #{k} '{NodeName(n)}' has op type '{n.OpType}'{(detail is null ? "" : " " + detail)}, which DeepTrain does not import "
                + $"(supported: {string.Join(", ", SupportedOps)}; see docs/NETWORK_FORMAT.md)");

        private int Conv(OnnxNode n, string where)
        {
            var x = ActIn(n, 0, where);
            var w = ConstIn(n, 1, where, "weight");
            if (w.Dims.Length != 4) throw new WorkloadError($"{where}: only 2-D convolution is supported (weight dims [{string.Join(", ", w.Dims)}])");
            int groups = Int(n.Int("group", 1), where);
            var inShape = _b.OutputOf(x.Layer);
            if (w.Dims[1] * groups != inShape.Channels)
                throw new WorkloadError($"{where}: weight '{w.Name}' expects {w.Dims[1]}×{groups} input channels but the input has {inShape.Channels}");
            int kh = Int(w.Dims[2], where), kw = Int(w.Dims[3], where);
            if (n.Ints("kernel_shape") is { Length: 2 } ks && (ks[0] != kh || ks[1] != kw))
                throw new WorkloadError($"{where}: kernel_shape [{ks[0]}, {ks[1]}] disagrees with the weight's {kh}×{kw}");
            if (n.Ints("dilations") is { } d && Array.Exists(d, v => v != 1))
                throw new WorkloadError($"{where}: dilations [{string.Join(", ", d)}] are not supported (dilation 1 only)");
            int stride = Stride(n, where);
            int pad = Padding(n, where, kh, kw, stride);
            bool bias = n.In(2) is not null;
            if (bias) { ConstIn(n, 2, where, "bias"); _convsWithBias++; }
            int layer = _b.Conv(LayerNameFor(n), Int(w.Dims[0], where), kh, kw, stride, pad, groups, bias, x.Layer);
            _convs.Add(layer);
            return layer;
        }

        private int Gemm(OnnxNode n, string where)
        {
            var x = ActIn(n, 0, where);
            var w = ConstIn(n, 1, where, "weight");
            if (n.Int("transA", 0) != 0) throw new WorkloadError($"{where}: transA=1 is not supported");
            if (w.Dims.Length != 2) throw new WorkloadError($"{where}: weight '{w.Name}' must be 2-D, got [{string.Join(", ", w.Dims)}]");
            bool transB = n.Int("transB", 0) != 0;
            long inF = transB ? w.Dims[1] : w.Dims[0], outF = transB ? w.Dims[0] : w.Dims[1];
            CheckFeatures(x, inF, where);
            bool bias = n.In(2) is not null;
            if (bias) ConstIn(n, 2, where, "bias");
            return _b.Linear(LayerNameFor(n), Int(outF, where), bias, x.Layer);
        }

        private void CheckFeatures(Act x, long inFeatures, string where)
        {
            var s = _b.OutputOf(x.Layer);
            if (s.Height == 1 && s.Width == 1 && s.Channels != inFeatures)
                throw new WorkloadError($"{where}: the weight expects {inFeatures} input features but the input has {s.Channels}");
        }

        private int Pool(OnnxNode n, string where)
        {
            var x = ActIn(n, 0, where);
            var ks = n.Ints("kernel_shape");
            if (ks is not { Length: 2 }) throw new WorkloadError($"{where}: 'kernel_shape' must give 2 values");
            if (ks[0] != ks[1]) throw new WorkloadError($"{where}: only square pooling windows are supported, got {ks[0]}×{ks[1]}");
            if (n.Int("ceil_mode", 0) != 0) throw new WorkloadError($"{where}: ceil_mode=1 is not supported (floor mode only)");
            if (n.Ints("dilations") is { } d && Array.Exists(d, v => v != 1))
                throw new WorkloadError($"{where}: dilations are not supported");
            int k = Int(ks[0], where);
            int stride = n.Ints("strides") is { Length: > 0 } ? Stride(n, where) : 1;
            int pad = Padding(n, where, k, k, stride);
            return n.OpType == "MaxPool" ? _b.MaxPool(LayerNameFor(n), k, stride, pad, x.Layer)
                                         : _b.AvgPool(LayerNameFor(n), k, stride, pad, x.Layer);
        }

        private int Stride(OnnxNode n, string where)
        {
            var s = n.Ints("strides");
            if (s is null || s.Length == 0) return 1;
            if (s.Length != 2 || s[0] != s[1]) throw new WorkloadError($"{where}: strides [{string.Join(", ", s)}] must be equal in height and width");
            return Int(s[0], where);
        }

        private static int Padding(OnnxNode n, string where, int kh, int kw, int stride)
        {
            string autoPad = n.Str("auto_pad") ?? "NOTSET";
            if (autoPad is "VALID") return 0;
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                // Symmetric SAME padding exists only for stride 1 and odd kernels: total padding k−1 on each axis.
                if (stride != 1 || kh != kw || kh % 2 == 0)
                    throw new WorkloadError($"{where}: auto_pad={autoPad} needs stride 1 and an odd square kernel to be symmetric");
                return kh / 2;
            }
            if (autoPad != "NOTSET") throw new WorkloadError($"{where}: auto_pad '{autoPad}' is unknown");
            var p = n.Ints("pads");
            if (p is null || p.Length == 0) return 0;
            if (p.Length != 4 || Array.Exists(p, v => v != p[0]))
                throw new WorkloadError($"{where}: pads [{string.Join(", ", p)}] must be equal on all four sides");
            return Int(p[0], where);
        }

        private int Reshape(OnnxNode n, string where)
        {
            var x = ActIn(n, 0, where);
            var s = _b.OutputOf(x.Layer);
            var target = Get(n.In(1)) ?? throw Missing(where, 1);
            if (target is Const { Tensor.Values: { } v })
            {
                // [N, -1], [0, -1], [-1, C·H·W] or [N, C·H·W]: a flatten to one vector per image.
                bool vector = v.Length == 2 && (v[1] == -1 || v[1] == s.Elements) && (v[0] != -1 || v[1] == s.Elements);
                if (!vector) throw new WorkloadError($"{where}: reshape to [{string.Join(", ", v)}] is not a flatten to a vector per image (the only reshape supported)");
            }
            else if (target is not (ShapeValue or Const)) throw new WorkloadError($"{where}: the target shape must be a constant or computed from shapes");
            // A target computed at run time (x.view(x.size(0), -1)) is taken as the flatten it almost always is; the
            // Gemm/MatMul after it checks the feature count.
            return _b.Flatten(LayerNameFor(n), x.Layer);
        }

        /// <summary>Slice of an activation: only the option-A subsampling x[:, :, ::s, ::s] (axes 2 and 3, start 0).</summary>
        private Value Slice(OnnxNode n, string where)
        {
            var src = Get(n.In(0)) ?? throw Missing(where, 0);
            if (src is not (Act or Shortcut)) return new ShapeValue();
            long[] starts = IntsIn(n, 1, where), ends = IntsIn(n, 2, where);
            long[] axes = n.In(3) is null ? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray() : IntsIn(n, 3, where);
            long[] steps = n.In(4) is null ? Enumerable.Repeat(1L, starts.Length).ToArray() : IntsIn(n, 4, where);
            var (layer, sh, sw, extra) = Parts(src);
            var shape = _b.OutputOf(layer);
            for (int i = 0; i < axes.Length; i++)
            {
                long axis = axes[i] < 0 ? axes[i] + 4 : axes[i];
                long size = axis == 1 ? shape.Channels : axis == 2 ? shape.Height : axis == 3 ? shape.Width : long.MaxValue;
                bool whole = starts[i] == 0 && (ends[i] >= size || ends[i] == long.MaxValue);
                if (!whole) throw new WorkloadError($"{where}: only slices over the whole axis are supported (x[:, :, ::s, ::s] for option-A shortcuts)");
                if (steps[i] == 1) continue;
                if (axis is not (2 or 3) || steps[i] < 1) throw new WorkloadError($"{where}: a strided slice is supported on height and width only, with a positive step");
                if (axis == 2) sh *= (int)steps[i]; else sw *= (int)steps[i];
            }
            return new Shortcut(layer, sh, sw, extra);
        }

        /// <summary>Pad of an activation: only zero-padding in channels (the option-A shortcut's channel padding).</summary>
        private Value Pad(OnnxNode n, string where)
        {
            var src = Get(n.In(0)) ?? throw Missing(where, 0);
            if (src is not (Act or Shortcut)) return new ShapeValue();
            if ((n.Str("mode") ?? "constant") != "constant") throw new WorkloadError($"{where}: only constant (zero) padding is supported");
            if (n.In(1) is { } p && Get(p) is ShapeValue)
            {
                // Pads computed at run time (PyTorch's F.pad exports a small shape subgraph): accepted on an option-A
                // shortcut only, where the Add's main branch fixes the padded shape.
                if (src is not Shortcut sc) throw new WorkloadError($"{where}: pads computed at run time are supported only on an option-A shortcut (x[:, :, ::s, ::s] padded in channels)");
                return sc with { ExtraChannels = -1 };
            }
            long[] pads = n.In(1) is not null ? IntsIn(n, 1, where) : n.Ints("pads") ?? [];
            if (pads.Length == 8 && Array.TrueForAll(pads, v => v == 0)) return src; // F.avg_pool2d exports a zero Pad first
            if (pads.Length != 8) throw new WorkloadError($"{where}: pads must give 8 values for an N×C×H×W tensor");
            for (int i = 0; i < 8; i++)
                if (i is not (1 or 5) && pads[i] != 0)
                    throw new WorkloadError($"{where}: only channel padding is supported (option-A shortcuts), got pads [{string.Join(", ", pads)}]");
            var (layer, sh, sw, extra) = Parts(src);
            return new Shortcut(layer, sh, sw, extra < 0 ? -1 : extra + (int)(pads[1] + pads[5]));
        }

        private static (int Layer, int StrideH, int StrideW, int Extra) Parts(Value v) =>
            v is Shortcut s ? (s.Layer, s.StrideH, s.StrideW, s.ExtraChannels) : (((Act)v).Layer, 1, 1, 0);

        private Value Arithmetic(int k, OnnxNode n, string where)
        {
            var a = Get(n.In(0)) ?? throw Missing(where, 0);
            var b = Get(n.In(1)) ?? throw Missing(where, 1);
            bool aAct = a is Act or Shortcut, bAct = b is Act or Shortcut;
            if (aAct != bAct)
            {
                // An activation with a constant operand: a MatMul's bias (already in the linear layer) or a per-tensor
                // scale/shift such as input normalization — no layer, no cost.
                var act = aAct ? a : b;
                if (act is not Act) throw new WorkloadError($"{where}: a shortcut (Slice/Pad) must feed an Add with the main branch");
                return act;
            }
            if (n.OpType != "Add") throw Unsupported(k, n, "between two activation tensors");
            if (a is Shortcut && b is Shortcut) throw new WorkloadError($"{where}: both inputs are shortcuts; one must be the main branch");
            var (main, other) = a is Shortcut ? (b, a) : (a, b);
            int m = ((Act)main).Layer;
            if (other is Shortcut s)
            {
                var ms = _b.OutputOf(m);
                var ss = _b.OutputOf(s.Layer);
                bool channels = s.ExtraChannels < 0 ? ss.Channels <= ms.Channels : ss.Channels + s.ExtraChannels == ms.Channels;
                if (!channels || ss.Height != ms.Height * s.StrideH || ss.Width != ms.Width * s.StrideW)
                    throw new WorkloadError($"{where}: the shortcut ({ss} subsampled by {s.StrideH}×{s.StrideW}, padded by {(s.ExtraChannels < 0 ? "computed" : s.ExtraChannels.ToString())} channels) does not match the main branch {ms}");
                return new Act(_b.Add(LayerNameFor(n), m, s.Layer));
            }
            return new Act(_b.Add(LayerNameFor(n), m, ((Act)other).Layer));
        }

        private OnnxTensor ConstantValue(OnnxNode n, string where)
        {
            if (n.Attribute("value") is { T: { } t }) return t;
            if (n.Attribute("value_ints") is { } vi) return new OnnxTensor(n.Outputs[0], [vi.Ints.Length], OnnxTensor.Int64, vi.Ints);
            if (n.Attribute("value_int") is { } v1) return new OnnxTensor(n.Outputs[0], [], OnnxTensor.Int64, [v1.I]);
            if (n.Attribute("value_float") is not null) return new OnnxTensor(n.Outputs[0], [], OnnxTensor.Float, null);
            if (n.Attribute("value_floats") is { } vf) return new OnnxTensor(n.Outputs[0], [0], OnnxTensor.Float, null);
            throw new WorkloadError($"{where}: a Constant without a 'value' tensor is not supported");
        }

        private long[] IntsIn(OnnxNode n, int k, string where)
        {
            var v = Get(n.In(k)) ?? throw Missing(where, k);
            if (v is Const { Tensor.Values: { } values }) return values;
            throw new WorkloadError($"{where}: input {k} must be a constant integer tensor with its values in the file");
        }

        private bool ReadsActivation(OnnxNode n)
        {
            foreach (var i in n.Inputs) if (Get(i) is Act or Shortcut) return true;
            return false;
        }

        private Act ActIn(OnnxNode n, int k, string where)
        {
            var v = Get(n.In(k)) ?? throw Missing(where, k);
            return v switch
            {
                Act a => a,
                Shortcut => throw new WorkloadError($"{where}: input {k} is a Slice/Pad shortcut, supported only as an input of Add"),
                _ => throw new WorkloadError($"{where}: input {k} '{n.Inputs[k]}' must be an activation tensor computed from the graph input"),
            };
        }

        private OnnxTensor ConstIn(OnnxNode n, int k, string where, string what)
        {
            var v = Get(n.In(k)) ?? throw Missing(where, k);
            if (v is Const c) return c.Tensor;
            throw new WorkloadError($"{where}: {what} '{n.Inputs[k]}' must be an initializer or Constant (weights computed at run time are not supported)");
        }

        private Value? Get(string? name) => name is not null && _values.TryGetValue(name, out var v) ? v : null;

        private WorkloadError Missing(string where, int k) => new($"{where}: input {k} is missing or not produced by an earlier node");

        private void Set(OnnxNode n, int k, Value v)
        {
            if (k < n.Outputs.Length && n.Outputs[k].Length > 0) _values[n.Outputs[k]] = v;
        }

        private void SetAll(OnnxNode n, Value v)
        {
            foreach (var o in n.Outputs) if (o.Length > 0) _values[o] = v;
        }

        private string LayerName(int layer) => layer < 0 ? "input" : _layerNames[layer];
        private readonly List<string> _layerNames = [];
        private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);

        /// <summary>A unique layer name: the node's name, else its first output's, suffixed if taken.</summary>
        private string LayerNameFor(OnnxNode n)
        {
            string baseName = NodeName(n);
            string s = baseName;
            for (int i = 2; !_usedNames.Add(s); i++) s = $"{baseName}#{i}";
            _layerNames.Add(s);
            return s;
        }

        private static string NodeName(OnnxNode n) =>
            n.Name.Length > 0 ? n.Name : n.Outputs.Length > 0 && n.Outputs[0].Length > 0 ? n.Outputs[0] : n.OpType;

        private static int Int(long v, string where) =>
            v is >= 0 and <= int.MaxValue ? (int)v : throw new WorkloadError($"{where}: value {v} is out of range");

        private static string Dims(long?[]? d) => d is null ? "no shape" : "[" + string.Join(", ", d.Select(x => x?.ToString() ?? "?")) + "]";
    }
}
