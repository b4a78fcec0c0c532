using Google.Protobuf;

namespace DeepTrain.Model.Workloads.Onnx;

// The subset of the ONNX protobuf schema (onnx/onnx.proto, IR version 3 and later) that the importer needs, read and
// written field by field with Google.Protobuf's CodedInputStream / CodedOutputStream instead of generated classes.
// Field numbers are those of onnx.proto:
//   ModelProto        ir_version=1 producer_name=2 producer_version=3 graph=7 opset_import=8
//   OperatorSetIdProto domain=1 version=2
//   GraphProto        node=1 name=2 initializer=5 input=11 output=12 value_info=13
//   NodeProto         input=1 output=2 name=3 op_type=4 attribute=5 domain=7
//   AttributeProto    name=1 f=2 i=3 s=4 t=5 ints=8 type=20
//   TensorProto       dims=1 data_type=2 int32_data=5 int64_data=7 name=8 raw_data=9 data_location=14
//   ValueInfoProto    name=1 type=2;  TypeProto tensor_type=1;  TypeProto.Tensor elem_type=1 shape=2
//   TensorShapeProto  dim=1;  Dimension dim_value=1 dim_param=2
// Weight data is never read: only dims (so files with external data, or with no data at all, import the same).
// Only small INT64/INT32 tensors (Reshape shapes, Slice and Pad arguments) have their values decoded.

/// <summary>A tensor's name, dims and, for integer tensors, its values (null when absent or not integer).</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, int DataType, long[]? Values)
{
    public const int Float = 1, Int32 = 6, Int64 = 7;
    public long Elements { get { long n = 1; foreach (var d in Dims) n *= d; return n; } }
}

internal sealed record OnnxAttribute(string Name, long I, float F, string? S, long[] Ints, OnnxTensor? T);

internal sealed record OnnxNode(string Name, string OpType, string Domain, string[] Inputs, string[] Outputs,
                                IReadOnlyList<OnnxAttribute> Attributes)
{
    public OnnxAttribute? Attribute(string name)
    {
        foreach (var a in Attributes) if (a.Name == name) return a;
        return null;
    }

    public long Int(string name, long fallback) => Attribute(name) is { } a ? a.I : fallback;
    public long[]? Ints(string name) => Attribute(name)?.Ints;
    public string? Str(string name) => Attribute(name)?.S;

    /// <summary>Input <paramref name="k"/>, or null when absent or empty (ONNX marks omitted optional inputs with "").</summary>
    public string? In(int k) => k < Inputs.Length && Inputs[k].Length > 0 ? Inputs[k] : null;
}

/// <summary>A graph value's name and tensor dims (null entries: symbolic or unknown; Dims null: no shape).</summary>
internal sealed record OnnxValueInfo(string Name, long?[]? Dims);

internal sealed record OnnxGraph(string Name, IReadOnlyList<OnnxNode> Nodes, IReadOnlyList<OnnxTensor> Initializers,
                                 IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs,
                                 IReadOnlyList<OnnxValueInfo> ValueInfo);

internal sealed record OnnxModel(long IrVersion, string Producer, IReadOnlyList<(string Domain, long Version)> Opsets, OnnxGraph Graph);

/// <summary>Decodes the ONNX wire format. Malformed input throws <see cref="InvalidProtocolBufferException"/>; a message
/// without a graph throws <see cref="WorkloadError"/>.</summary>
internal static class OnnxReader
{
    public static OnnxModel ReadModel(byte[] bytes)
    {
        var s = new CodedInputStream(bytes);
        long ir = 0; string producer = ""; OnnxGraph? graph = null;
        var opsets = new List<(string, long)>();
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when Varint(tag): ir = s.ReadInt64(); break;
                case 2 when Bytes(tag): producer = s.ReadString(); break;
                case 7 when Bytes(tag): graph = ReadGraph(s.ReadBytes().CreateCodedInput()); break;
                case 8 when Bytes(tag): opsets.Add(ReadOpset(s.ReadBytes().CreateCodedInput())); break;
                default: s.SkipLastField(); break;
            }
        }
        if (graph is null) throw new WorkloadError("not an ONNX model (no graph)");
        return new OnnxModel(ir, producer, opsets, graph);
    }

    private static (string, long) ReadOpset(CodedInputStream s)
    {
        string domain = ""; long version = 0; uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when Bytes(tag): domain = s.ReadString(); break;
                case 2 when Varint(tag): version = s.ReadInt64(); break;
                default: s.SkipLastField(); break;
            }
        }
        return (domain, version);
    }

    private static OnnxGraph ReadGraph(CodedInputStream s)
    {
        string name = "";
        List<OnnxNode> nodes = []; List<OnnxTensor> inits = [];
        List<OnnxValueInfo> inputs = [], outputs = [], info = [];
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when Bytes(tag): nodes.Add(ReadNode(s.ReadBytes().CreateCodedInput())); break;
                case 2 when Bytes(tag): name = s.ReadString(); break;
                case 5 when Bytes(tag): inits.Add(ReadTensor(s.ReadBytes().CreateCodedInput())); break;
                case 11 when Bytes(tag): inputs.Add(ReadValueInfo(s.ReadBytes().CreateCodedInput())); break;
                case 12 when Bytes(tag): outputs.Add(ReadValueInfo(s.ReadBytes().CreateCodedInput())); break;
                case 13 when Bytes(tag): info.Add(ReadValueInfo(s.ReadBytes().CreateCodedInput())); break;
                default: s.SkipLastField(); break;
            }
        }
        return new OnnxGraph(name, nodes, inits, inputs, outputs, info);
    }

    private static OnnxNode ReadNode(CodedInputStream s)
    {
        string name = "", op = "", domain = "";
        List<string> inputs = [], outputs = [];
        List<OnnxAttribute> attrs = [];
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when Bytes(tag): inputs.Add(s.ReadString()); break;
                case 2 when Bytes(tag): outputs.Add(s.ReadString()); break;
                case 3 when Bytes(tag): name = s.ReadString(); break;
                case 4 when Bytes(tag): op = s.ReadString(); break;
                case 5 when Bytes(tag): attrs.Add(ReadAttribute(s.ReadBytes().CreateCodedInput())); break;
                case 7 when Bytes(tag): domain = s.ReadString(); break;
                default: s.SkipLastField(); break;
            }
        }
        return new OnnxNode(name, op, domain, inputs.ToArray(), outputs.ToArray(), attrs);
    }

    private static OnnxAttribute ReadAttribute(CodedInputStream s)
    {
        string name = ""; long i = 0; float f = 0; string? str = null; OnnxTensor? t = null;
        List<long> ints = [];
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when Bytes(tag): name = s.ReadString(); break;
                case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Fixed32: f = s.ReadFloat(); break;
                case 3 when Varint(tag): i = s.ReadInt64(); break;
                case 4 when Bytes(tag): str = s.ReadString(); break;
                case 5 when Bytes(tag): t = ReadTensor(s.ReadBytes().CreateCodedInput()); break;
                case 8: Int64s(s, tag, ints); break;
                default: s.SkipLastField(); break;
            }
        }
        return new OnnxAttribute(name, i, f, str, ints.ToArray(), t);
    }

    private static OnnxTensor ReadTensor(CodedInputStream s)
    {
        string name = ""; int type = 0;
        List<long> dims = [];
        List<long>? values = null;
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: Int64s(s, tag, dims); break;
                case 2 when Varint(tag): type = s.ReadInt32(); break;
                case 5 or 7: Int64s(s, tag, values ??= []); break;
                case 8 when Bytes(tag): name = s.ReadString(); break;
                // raw_data: decoded for integer tensors only (data_type precedes it in field order); float weights are skipped.
                case 9 when Bytes(tag) && type is OnnxTensor.Int64 or OnnxTensor.Int32:
                    values = Raw(s.ReadBytes().Span, type == OnnxTensor.Int64 ? 8 : 4);
                    break;
                default: s.SkipLastField(); break;
            }
        }
        bool integer = type is OnnxTensor.Int64 or OnnxTensor.Int32;
        return new OnnxTensor(name, dims.ToArray(), type, integer ? values?.ToArray() : null);
    }

    private static List<long> Raw(ReadOnlySpan<byte> raw, int width)
    {
        var v = new List<long>(raw.Length / width);
        for (int k = 0; k + width <= raw.Length; k += width)
            v.Add(width == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw[k..])
                             : System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw[k..]));
        return v;
    }

    private static OnnxValueInfo ReadValueInfo(CodedInputStream s)
    {
        string name = ""; long?[]? dims = null; uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when Bytes(tag): name = s.ReadString(); break;
                case 2 when Bytes(tag): dims = ReadType(s.ReadBytes().CreateCodedInput()); break;
                default: s.SkipLastField(); break;
            }
        }
        return new OnnxValueInfo(name, dims);
    }

    private static long?[]? ReadType(CodedInputStream s)
    {
        long?[]? dims = null; uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1 && Bytes(tag))
            {
                var t = s.ReadBytes().CreateCodedInput(); uint tt;
                while ((tt = t.ReadTag()) != 0)
                {
                    if (WireFormat.GetTagFieldNumber(tt) == 2 && Bytes(tt)) dims = ReadShape(t.ReadBytes().CreateCodedInput());
                    else t.SkipLastField();
                }
            }
            else s.SkipLastField();
        }
        return dims;
    }

    private static long?[] ReadShape(CodedInputStream s)
    {
        var dims = new List<long?>(); uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1 && Bytes(tag))
            {
                var d = s.ReadBytes().CreateCodedInput(); long? v = null; uint dt;
                while ((dt = d.ReadTag()) != 0)
                {
                    if (WireFormat.GetTagFieldNumber(dt) == 1 && Varint(dt)) v = d.ReadInt64();
                    else d.SkipLastField();
                }
                dims.Add(v);
            }
            else s.SkipLastField();
        }
        return dims.ToArray();
    }

    /// <summary>A repeated int64 field, packed (wire type 2) or not (proto2's default, what onnx.proto declares).</summary>
    private static void Int64s(CodedInputStream s, uint tag, List<long> into)
    {
        if (Varint(tag)) { into.Add(s.ReadInt64()); return; }
        if (!Bytes(tag)) { s.SkipLastField(); return; }
        var p = s.ReadBytes().CreateCodedInput();
        while (!p.IsAtEnd) into.Add(p.ReadInt64());
    }

    private static bool Varint(uint tag) => WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint;
    private static bool Bytes(uint tag) => WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;
}

/// <summary>Encodes protobuf messages field by field; nested messages are built first and written length-prefixed.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _out;

    public ProtoWriter() => _out = new CodedOutputStream(_buffer, leaveOpen: true);

    public ProtoWriter Int64(int field, long value)
    {
        _out.WriteTag(field, WireFormat.WireType.Varint);
        _out.WriteInt64(value);
        return this;
    }

    public ProtoWriter String(int field, string value)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteString(value);
        return this;
    }

    /// <summary>Repeated int64, one tag per value (proto2 unpacked, as onnx.proto declares dims and ints).</summary>
    public ProtoWriter Int64s(int field, IEnumerable<long> values)
    {
        foreach (var v in values) Int64(field, v);
        return this;
    }

    /// <summary>Repeated int64 as one packed field (what onnx.proto declares for TensorProto.int64_data).</summary>
    public ProtoWriter PackedInt64s(int field, IReadOnlyList<long> values)
    {
        var inner = new ProtoWriter();
        foreach (var v in values) inner._out.WriteInt64(v);
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
        return this;
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> body)
    {
        var inner = new ProtoWriter();
        body(inner);
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
        return this;
    }

    public byte[] ToArray()
    {
        _out.Flush();
        return _buffer.ToArray();
    }
}
