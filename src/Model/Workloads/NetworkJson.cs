using System.Text.Json;

namespace DeepTrain.Model.Workloads;

/// <summary>
/// Reads a network from the JSON format of docs/NETWORK_FORMAT.md. Every problem becomes a one-line
/// <see cref="WorkloadError"/> naming the layer (name and index) and the field.
/// </summary>
public static class NetworkJson
{
    private static readonly HashSet<string> TopFields = ["name", "input", "classes", "referenceHasNormalization", "layers", "description"];
    private static readonly HashSet<string> InputFields = ["kind", "channels", "height", "width"];

    private static readonly Dictionary<string, string[]> LayerFields = new()
    {
        ["conv"] = ["out", "kernel", "kernelHeight", "kernelWidth", "stride", "padding", "groups", "bias"],
        ["linear"] = ["out", "bias"],
        ["maxpool"] = ["kernel", "stride", "padding"],
        ["avgpool"] = ["kernel", "stride", "padding"],
        ["adaptiveavgpool"] = ["outHeight", "outWidth"],
        ["globalavgpool"] = [],
        ["relu"] = [],
        ["add"] = [],
        ["concat"] = [],
        ["flatten"] = [],
        ["dropout"] = ["p"],
    };

    /// <summary>Loads the file at <paramref name="path"/>.</summary>
    public static Network Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new WorkloadError($"cannot read network file '{path}': {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses JSON text; <paramref name="source"/> names it in error messages.</summary>
    public static Network Parse(string json, string source = "network JSON")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new WorkloadError($"{source}: not valid JSON (line {e.LineNumber + 1}): {FirstSentence(e.Message)}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new WorkloadError($"{source}: the top level must be an object");
            Unknown(root, TopFields, $"{source}: top level");
            string name = Str(root, "name", $"{source}: top level") ?? throw new WorkloadError($"{source}: 'name' is missing");
            string where = $"{source}: network '{name}'";
            if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
                throw new WorkloadError($"{where}: 'input' must be an object with kind, channels, height, width");
            Unknown(input, InputFields, $"{where}: 'input'");
            string kind = Str(input, "kind", $"{where}: 'input'") ?? "custom";
            var shape = new Shape(Int(input, "channels", $"{where}: 'input'", null), Int(input, "height", $"{where}: 'input'", null),
                                  Int(input, "width", $"{where}: 'input'", null));
            int classes = Int(root, "classes", where, null);
            bool reference = Bool(root, "referenceHasNormalization", where, true);
            if (!root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
                throw new WorkloadError($"{where}: 'layers' must be an array");

            NetworkBuilder b;
            try { b = new NetworkBuilder(name, kind, classes, shape); }
            catch (WorkloadError e) { throw new WorkloadError($"{source}: {e.Message}", e); }
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            int i = 0;
            foreach (var l in layers.EnumerateArray())
            {
                string lw = $"{source}: layer #{i}";
                if (l.ValueKind != JsonValueKind.Object) throw new WorkloadError($"{lw}: must be an object");
                string lname = Str(l, "name", lw) ?? $"layer{i}";
                lw = $"{source}: layer '{lname}' (#{i})";
                string type = (Str(l, "type", lw) ?? throw new WorkloadError($"{lw}: 'type' is missing")).ToLowerInvariant();
                if (!LayerFields.TryGetValue(type, out var fields))
                    throw new WorkloadError($"{lw}: 'type' '{type}' is unknown; use one of {string.Join(", ", LayerFields.Keys)}");
                Unknown(l, [.. fields, "name", "type", "inputs", "site"], lw);
                int[] inputs = Inputs(l, lw, index, i);
                int? from = inputs.Length == 0 ? null : inputs[0];
                if (type is not ("add" or "concat") && inputs.Length > 1)
                    throw new WorkloadError($"{lw}: 'inputs' has {inputs.Length} entries but a {type} layer takes one");
                try
                {
                    int at = type switch
                    {
                        "conv" => ConvFrom(b, l, lw, lname, from),
                        "linear" => b.Linear(lname, Int(l, "out", lw, null), Bool(l, "bias", lw, true), from),
                        "maxpool" => b.MaxPool(lname, Int(l, "kernel", lw, null), Int(l, "stride", lw, Int(l, "kernel", lw, null)), Int(l, "padding", lw, 0), from),
                        "avgpool" => b.AvgPool(lname, Int(l, "kernel", lw, null), Int(l, "stride", lw, Int(l, "kernel", lw, null)), Int(l, "padding", lw, 0), from),
                        "adaptiveavgpool" => b.AdaptiveAvgPool(lname, Int(l, "outHeight", lw, null), Int(l, "outWidth", lw, null), from),
                        "globalavgpool" => b.GlobalAvgPool(lname, from),
                        "relu" => b.Activation(lname, from),
                        "flatten" => b.Flatten(lname, from),
                        "dropout" => DropoutThen(l, lw, () => b.Dropout(lname, from)),
                        "add" => b.Add(lname, inputs.Length > 0 ? inputs : [b.Last]),
                        _ => b.Concat(lname, inputs.Length > 0 ? inputs : [b.Last]),
                    };
                    if (Bool(l, "site", lw, false)) b.AddSite(at);
                }
                catch (WorkloadError e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
                {
                    throw new WorkloadError($"{source}: {e.Message}", e);
                }
                index[lname] = i;
                i++;
            }
            try { return b.Build(reference); }
            catch (WorkloadError e) { throw new WorkloadError($"{source}: {e.Message}", e); }
        }
    }

    /// <summary>Writes <paramref name="network"/> in the documented format (indented); <see cref="Parse"/> reads it
    /// back to the same layers, shapes and sites. Useful to hand a zoo network to an external trainer.</summary>
    public static string Write(Network network)
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            j.WriteString("name", network.Name);
            j.WriteStartObject("input");
            j.WriteString("kind", network.InputKind);
            j.WriteNumber("channels", network.InputShape.Channels);
            j.WriteNumber("height", network.InputShape.Height);
            j.WriteNumber("width", network.InputShape.Width);
            j.WriteEndObject();
            j.WriteNumber("classes", network.Classes);
            j.WriteBoolean("referenceHasNormalization", network.ReferenceHasNormalization);
            var siteLayers = new HashSet<int>();
            foreach (var site in network.Sites) siteLayers.Add(site.LayerIndex);
            j.WriteStartArray("layers");
            for (int i = 0; i < network.Layers.Count; i++)
            {
                var l = network.Layers[i];
                j.WriteStartObject();
                j.WriteString("name", l.Name);
                j.WriteString("type", l.Kind switch
                {
                    LayerKind.Convolution => "conv", LayerKind.Linear => "linear", LayerKind.MaxPool => "maxpool",
                    LayerKind.AvgPool => "avgpool", LayerKind.GlobalAvgPool => "globalavgpool", LayerKind.Activation => "relu",
                    LayerKind.Add => "add", LayerKind.Concat => "concat", LayerKind.Flatten => "flatten", _ => "dropout",
                });
                bool sequential = l.Inputs.Length == 1 && l.Inputs[0] == i - 1;
                if (!sequential || l.Kind is LayerKind.Add or LayerKind.Concat)
                {
                    j.WriteStartArray("inputs");
                    foreach (int src in l.Inputs) j.WriteStringValue(src < 0 ? "input" : network.Layers[src].Name);
                    j.WriteEndArray();
                }
                switch (l.Kind)
                {
                    case LayerKind.Convolution:
                        j.WriteNumber("out", l.Output.Channels);
                        if (l.KernelHeight == l.KernelWidth) j.WriteNumber("kernel", l.KernelHeight);
                        else { j.WriteNumber("kernelHeight", l.KernelHeight); j.WriteNumber("kernelWidth", l.KernelWidth); }
                        j.WriteNumber("stride", l.Stride);
                        j.WriteNumber("padding", l.Padding);
                        if (l.Groups != 1) j.WriteNumber("groups", l.Groups);
                        j.WriteBoolean("bias", l.HasBias);
                        break;
                    case LayerKind.Linear:
                        j.WriteNumber("out", l.Output.Channels);
                        j.WriteBoolean("bias", l.HasBias);
                        break;
                    case LayerKind.MaxPool or LayerKind.AvgPool:
                        j.WriteNumber("kernel", l.KernelHeight);
                        j.WriteNumber("stride", l.Stride);
                        j.WriteNumber("padding", l.Padding);
                        break;
                }
                if (siteLayers.Contains(i)) j.WriteBoolean("site", true);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static int ConvFrom(NetworkBuilder b, JsonElement l, string lw, string name, int? from)
    {
        bool hasK = l.TryGetProperty("kernel", out _), hasKh = l.TryGetProperty("kernelHeight", out _);
        if (!hasK && !hasKh) throw new WorkloadError($"{lw}: 'kernel' is missing");
        int kh = hasKh ? Int(l, "kernelHeight", lw, null) : Int(l, "kernel", lw, null);
        int kw = Int(l, "kernelWidth", lw, hasK ? Int(l, "kernel", lw, null) : kh);
        return b.Conv(name, Int(l, "out", lw, null), kh, kw, Int(l, "stride", lw, 1), Int(l, "padding", lw, 0),
                      Int(l, "groups", lw, 1), Bool(l, "bias", lw, false), from);
    }

    private static int DropoutThen(JsonElement l, string lw, Func<int> add) { DropoutP(l, lw); return add(); }

    private static void DropoutP(JsonElement l, string lw)
    {
        if (!l.TryGetProperty("p", out var v)) return;
        if (v.ValueKind != JsonValueKind.Number || v.GetDouble() is < 0 or >= 1)
            throw new WorkloadError($"{lw}: 'p' must be a number in [0, 1), got {v.GetRawText()}");
    }

    private static int[] Inputs(JsonElement l, string lw, Dictionary<string, int> index, int at)
    {
        if (!l.TryGetProperty("inputs", out var arr)) return [];
        if (arr.ValueKind != JsonValueKind.Array) throw new WorkloadError($"{lw}: 'inputs' must be an array of layer names");
        var result = new List<int>();
        foreach (var e in arr.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String) throw new WorkloadError($"{lw}: 'inputs' must hold layer names (strings)");
            string s = e.GetString()!;
            if (s == "input") { result.Add(NetworkBuilder.NetworkInput); continue; }
            if (!index.TryGetValue(s, out int j))
                throw new WorkloadError($"{lw}: 'inputs' names '{s}', which is not an earlier layer (or \"input\")");
            result.Add(j);
        }
        return result.ToArray();
    }

    private static void Unknown(JsonElement o, IEnumerable<string> allowed, string where)
    {
        var set = allowed as HashSet<string> ?? new HashSet<string>(allowed);
        foreach (var p in o.EnumerateObject())
            if (!set.Contains(p.Name))
                throw new WorkloadError($"{where}: unknown field '{p.Name}' (allowed: {string.Join(", ", set)})");
    }

    private static string? Str(JsonElement o, string field, string where)
    {
        if (!o.TryGetProperty(field, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String) throw new WorkloadError($"{where}: '{field}' must be a string");
        return v.GetString();
    }

    private static int Int(JsonElement o, string field, string where, int? fallback)
    {
        if (!o.TryGetProperty(field, out var v))
            return fallback ?? throw new WorkloadError($"{where}: '{field}' is missing");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int x))
            throw new WorkloadError($"{where}: '{field}' must be an integer, got {v.GetRawText()}");
        return x;
    }

    private static bool Bool(JsonElement o, string field, string where, bool fallback)
    {
        if (!o.TryGetProperty(field, out var v)) return fallback;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new WorkloadError($"{where}: '{field}' must be true or false, got {v.GetRawText()}");
        return v.GetBoolean();
    }

    private static string FirstSentence(string s)
    {
        int i = s.IndexOf(". ", StringComparison.Ordinal);
        return (i > 0 ? s[..i] : s).ReplaceLineEndings(" ");
    }
}
