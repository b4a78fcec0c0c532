namespace DeepTrain.Model.Workloads.Onnx;

/// <summary>
/// Writes a network as an ONNX model (IR version 8, opset 14) that carries shapes only: every initializer has its
/// dims and data type but no data, which is all <see cref="OnnxImport"/> reads, so the file is a few kB and imports
/// back to the same layers, shapes and sites. When the reference normalizes, each site is a BatchNormalization node
/// after its layer; otherwise no BN node is written and the import's rule (one candidate site per convolution) must
/// give the network's sites back. Option-A shortcuts become Slice (stride) + Pad (channels) before the Add.
/// </summary>
public static class OnnxExport
{
    private const int TensorFloat = 1, TensorInt64 = 7;
    private const int AttrInt = 2, AttrString = 3, AttrInts = 7;

    /// <summary>The ONNX bytes of <paramref name="network"/> (shapes only).</summary>
    public static byte[] Write(Network network) => Write(network, dilation: 1, externalData: null);

    /// <param name="dilation">Written on every convolution (tests use 2 to check the importer rejects it).</param>
    /// <param name="externalData">When set, weights are marked as stored in this external file (never written).</param>
    internal static byte[] Write(Network network, int dilation, string? externalData)
    {
        var siteLayers = new HashSet<int>();
        foreach (var s in network.Sites) siteLayers.Add(s.LayerIndex);
        if (!network.ReferenceHasNormalization)
        {
            foreach (var l in siteLayers)
                if (network.Layers[l].Kind != LayerKind.Convolution)
                    throw new WorkloadError($"network '{network.Name}': its sites are not one per convolution and its reference has no normalization, which ONNX cannot express; use --format json");
            int convs = 0;
            foreach (var l in network.Layers) if (l.Kind == LayerKind.Convolution) convs++;
            if (convs != siteLayers.Count)
                throw new WorkloadError($"network '{network.Name}': {siteLayers.Count} sites but {convs} convolutions and no normalization in the reference, which ONNX cannot express; use --format json");
        }

        var nodes = new List<Action<ProtoWriter>>();
        var inits = new List<Action<ProtoWriter>>();
        var tensorOf = new string[network.Layers.Count];
        string In(int layer) => layer < 0 ? "input" : tensorOf[layer];

        void Weight(string name, long[] dims) => inits.Add(t =>
        {
            t.Int64s(1, dims).Int64(2, TensorFloat).String(8, name);
            if (externalData is not null)
            {
                t.Message(13, e => e.String(1, "location").String(2, externalData));
                t.Int64(14, 1); // DataLocation.EXTERNAL
            }
        });
        void Ints(string name, long[] values) => inits.Add(t => t.Int64s(1, [values.Length]).Int64(2, TensorInt64).PackedInt64s(7, values).String(8, name));

        for (int i = 0; i < network.Layers.Count; i++)
        {
            var l = network.Layers[i];
            string name = l.Name, output = l.Name;
            var attrs = new List<Action<ProtoWriter>>();
            var inputs = new List<string>();
            string op;
            switch (l.Kind)
            {
                case LayerKind.Convolution:
                    op = "Conv";
                    inputs.Add(In(l.Inputs[0]));
                    Weight(name + ".weight", [l.Output.Channels, l.Input.Channels / l.Groups, l.KernelHeight, l.KernelWidth]);
                    inputs.Add(name + ".weight");
                    if (l.HasBias) { Weight(name + ".bias", [l.Output.Channels]); inputs.Add(name + ".bias"); }
                    attrs.Add(IntsAttr("kernel_shape", [l.KernelHeight, l.KernelWidth]));
                    attrs.Add(IntsAttr("strides", [l.Stride, l.Stride]));
                    attrs.Add(IntsAttr("pads", [l.Padding, l.Padding, l.Padding, l.Padding]));
                    attrs.Add(IntsAttr("dilations", [dilation, dilation]));
                    attrs.Add(IntAttr("group", l.Groups));
                    break;
                case LayerKind.Linear:
                    op = "Gemm";
                    inputs.Add(In(l.Inputs[0]));
                    Weight(name + ".weight", [l.Output.Channels, l.Input.Channels]);
                    inputs.Add(name + ".weight");
                    if (l.HasBias) { Weight(name + ".bias", [l.Output.Channels]); inputs.Add(name + ".bias"); }
                    attrs.Add(IntAttr("transB", 1));
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    op = l.Kind == LayerKind.MaxPool ? "MaxPool" : "AveragePool";
                    inputs.Add(In(l.Inputs[0]));
                    attrs.Add(IntsAttr("kernel_shape", [l.KernelHeight, l.KernelWidth]));
                    attrs.Add(IntsAttr("strides", [l.Stride, l.Stride]));
                    attrs.Add(IntsAttr("pads", [l.Padding, l.Padding, l.Padding, l.Padding]));
                    break;
                case LayerKind.GlobalAvgPool: op = "GlobalAveragePool"; inputs.Add(In(l.Inputs[0])); break;
                case LayerKind.Activation: op = "Relu"; inputs.Add(In(l.Inputs[0])); break;
                case LayerKind.Dropout: op = "Dropout"; inputs.Add(In(l.Inputs[0])); break;
                case LayerKind.Flatten: op = "Flatten"; inputs.Add(In(l.Inputs[0])); attrs.Add(IntAttr("axis", 1)); break;
                case LayerKind.Concat:
                    op = "Concat";
                    foreach (int src in l.Inputs) inputs.Add(In(src));
                    attrs.Add(IntAttr("axis", 1));
                    break;
                case LayerKind.Add:
                    op = "Add";
                    inputs.Add(In(l.Inputs[0]));
                    for (int k = 1; k < l.Inputs.Length; k++)
                    {
                        var o = l.Inputs[k] < 0 ? network.InputShape : network.Layers[l.Inputs[k]].Output;
                        if (o == l.Output) { inputs.Add(In(l.Inputs[k])); continue; }
                        inputs.Add(OptionA(nodes, Ints, $"{name}.shortcut{k}", In(l.Inputs[k]), o, l.Output));
                    }
                    break;
                default: throw new WorkloadError($"layer '{l.Name}' (#{i}): kind {l.Kind} has no ONNX form");
            }
            var ins = inputs.ToArray();
            var at = attrs.ToArray();
            string nodeOp = op;
            nodes.Add(n => Node(n, name, nodeOp, ins, [output], at));
            tensorOf[i] = output;
            if (siteLayers.Contains(i) && network.ReferenceHasNormalization)
            {
                string bn = name + ".bn";
                foreach (var p in new[] { "weight", "bias", "running_mean", "running_var" }) Weight($"{bn}.{p}", [l.Output.Channels]);
                nodes.Add(n => Node(n, bn, "BatchNormalization", [output, bn + ".weight", bn + ".bias", bn + ".running_mean", bn + ".running_var"], [bn], []));
                tensorOf[i] = bn;
            }
        }

        var inShape = network.InputShape;
        string last = tensorOf[^1];
        var model = new ProtoWriter()
            .Int64(1, 8)
            .String(2, "deeptrain")
            .Message(7, g =>
            {
                foreach (var n in nodes) g.Message(1, n);
                g.String(2, network.Name);
                foreach (var t in inits) g.Message(5, t);
                g.Message(11, v => ValueInfo(v, "input", [inShape.Channels, inShape.Height, inShape.Width]));
                g.Message(12, v => ValueInfo(v, last, [network.Classes]));
            })
            .Message(8, o => o.String(1, "").Int64(2, 14));
        return model.ToArray();
    }

    /// <summary>x[:, :, ::s, ::s] then zero-padding in channels, as PyTorch exports He et al.'s option-A shortcut.</summary>
    private static string OptionA(List<Action<ProtoWriter>> nodes, Action<string, long[]> ints, string name, string src, Shape from, Shape to)
    {
        int s = from.Height / to.Height;
        string sliced = src;
        if (s != 1)
        {
            ints($"{name}.starts", [0, 0]); ints($"{name}.ends", [long.MaxValue, long.MaxValue]);
            ints($"{name}.axes", [2, 3]); ints($"{name}.steps", [s, s]);
            sliced = name + ".slice";
            string[] ins = [src, $"{name}.starts", $"{name}.ends", $"{name}.axes", $"{name}.steps"];
            string o = sliced;
            nodes.Add(n => Node(n, o, "Slice", ins, [o], []));
        }
        int extra = to.Channels - from.Channels;
        if (extra == 0) return sliced;
        ints($"{name}.pads", [0, extra / 2, 0, 0, 0, extra - extra / 2, 0, 0]);
        string padded = name + ".pad";
        string input = sliced;
        nodes.Add(n => Node(n, padded, "Pad", [input, $"{name}.pads"], [padded], [a => a.String(1, "mode").Int64(20, AttrString).String(4, "constant")]));
        return padded;
    }

    private static void Node(ProtoWriter n, string name, string op, string[] inputs, string[] outputs, Action<ProtoWriter>[] attrs)
    {
        foreach (var i in inputs) n.String(1, i);
        foreach (var o in outputs) n.String(2, o);
        n.String(3, name).String(4, op);
        foreach (var a in attrs) n.Message(5, a);
    }

    private static Action<ProtoWriter> IntAttr(string name, long v) => a => a.String(1, name).Int64(20, AttrInt).Int64(3, v);
    private static Action<ProtoWriter> IntsAttr(string name, long[] v) => a => a.String(1, name).Int64(20, AttrInts).Int64s(8, v);

    /// <summary>A float tensor N×dims with a symbolic batch dimension N.</summary>
    private static void ValueInfo(ProtoWriter v, string name, long[] dims) =>
        v.String(1, name).Message(2, t => t.Message(1, tt => tt.Int64(1, TensorFloat).Message(2, sh =>
        {
            sh.Message(1, d => d.String(2, "N"));
            foreach (var x in dims) sh.Message(1, d => d.Int64(1, x));
        })));
}
