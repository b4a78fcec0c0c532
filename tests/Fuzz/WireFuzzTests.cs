using System.Collections;
using System.Reflection;
using System.Runtime.Serialization;
using Akka.Actor;
using CsCheck;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Serialization;
using DeepTrain.Tests.Actors;

namespace DeepTrain.Tests.Fuzz;

/// <summary>
/// The MessagePack contract serializer (<see cref="ContractSerializer"/>) is what a hostile or broken peer reaches
/// first. Any bytes under any manifest (registered or not) give a contract or a <see cref="SerializationException"/>
/// (which Akka.Remote logs and drops), never another exception type or a huge allocation from a length prefix; and
/// well-typed contracts with extreme values (int/long edges, NaN, ±∞, empty and long strings and arrays) round-trip
/// exactly.
/// </summary>
public sealed class WireFuzzTests : IDisposable
{
    private readonly ActorSystem _system = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "wirefuzz" });
    private ContractSerializer Ser => (ContractSerializer)_system.Serialization.FindSerializerFor(new Ping(1));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static readonly string[] ManifestNames = [.. ContractSerializer.Manifests.Keys, "", "zz", "r", "rex", "RE", "\0", "é"];

    /// <summary>Valid encodings of every sample contract, the seeds for byte-level damage.</summary>
    private static readonly (string Manifest, byte[] Bytes)[] Valid = SerializationTests.Samples
        .Select(s => (ContractSerializer.Manifests.First(kv => kv.Value == s.GetType()).Key,
                      (byte[])typeof(ContractSerializer).GetMethod(nameof(ContractSerializer.Pack))!.MakeGenericMethod(s.GetType()).Invoke(null, [s])!))
        .ToArray();

    /// <summary>MessagePack headers that announce huge or negative lengths (array32, map32, str32, bin32, ext32).</summary>
    private static readonly byte[][] HugePrefixes =
    [
        [0xdd, 0xff, 0xff, 0xff, 0xff], [0xdd, 0x7f, 0xff, 0xff, 0xff], [0xdf, 0xff, 0xff, 0xff, 0xff], [0xdb, 0xff, 0xff, 0xff, 0xff],
        [0xc6, 0x7f, 0xff, 0xff, 0xff], [0xc9, 0xff, 0xff, 0xff, 0xff, 0x01], [0xdc, 0xff, 0xff], [0x9f], [0xc1], [0xd4, 0x01],
    ];

    private static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (3, Gen.Byte.Array[0, 64]),
        (3, Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Int[0, 1 << 20], Gen.Byte, Gen.Int[0, 3], (v, at, b, kind) =>
        {
            var src = Valid[v].Bytes;
            int i = at % (src.Length + 1);
            return kind switch
            {
                0 => src[..i],
                1 when i < src.Length => [.. src[..i], b, .. src[(i + 1)..]],
                2 => [.. src[..i], b, .. src[i..]],
                _ => [.. src[..i], .. HugePrefixes[at % HugePrefixes.Length], .. src[i..]],
            };
        })),
        (1, Gen.Select(Gen.Int[0, HugePrefixes.Length - 1], Gen.Byte.Array[0, 16], (p, tail) => (byte[])[0x93, .. HugePrefixes[p], .. tail])));

    [Fact]
    public void AnyBytesUnderAnyManifestGiveAContractOrASerializationException()
    {
        var ser = Ser;
        Gen.Select(Gen.Int[0, ManifestNames.Length - 1], Bytes).Check(t =>
        {
            var (m, bytes) = (ManifestNames[t.Item1], t.Item2);
            object o;
            try { o = ser.FromBinary(bytes, m); }
            catch (SerializationException) { return; }
            catch (Exception e) { throw new Exception($"{e.GetType().Name} for manifest '{m}' bytes {Convert.ToHexString(bytes)}: {e.Message}"); }
            if (o is not IClusterMessage || o.GetType() != ContractSerializer.Manifests[m])
                throw new Exception($"manifest {m} gave {o?.GetType().Name}");
        }, 3000);
    }

    // ---- well-typed contracts with extreme values ----

    /// <summary>Well-formed Unicode strings (a lone surrogate has no UTF-8 form; see the test below).</summary>
    private static readonly Gen<string> Str = Gen.Frequency(
        (4, Gen.String.Select(WellFormed)), (1, Gen.Const("")), (1, Gen.OneOfConst("0101", "\0", "é∞😀", "\uFFFF")),
        (1, Gen.Int[0, 200_000].Select(n => new string('x', n))));

    private static readonly Gen<string> ShortStr = Gen.String.Select(WellFormed);

    private static string WellFormed(string s)
    {
        var c = s.ToCharArray();
        for (int i = 0; i < c.Length; i++)
            if (char.IsHighSurrogate(c[i]) && i + 1 < c.Length && char.IsLowSurrogate(c[i + 1])) i++;
            else if (char.IsSurrogate(c[i])) c[i] = '?';
        return new string(c);
    }

    /// <summary>A value of type <paramref name="t"/>; <paramref name="small"/> (inside an array) keeps strings and
    /// arrays short so that one contract stays within a few megabytes.</summary>
    private static Gen<object?> For(Type t, bool nullable, bool small = false)
    {
        Gen<object?> g;
        if (t == typeof(string)) g = (small ? ShortStr : Str).Select(s => (object?)s);
        else if (t == typeof(int)) g = Fuzz.HostileInt.Select(i => (object?)i);
        else if (t == typeof(long)) g = Gen.Frequency((2, Gen.OneOfConst(long.MaxValue, long.MinValue, -1L, 0L)), (2, Gen.Long)).Select(l => (object?)l);
        else if (t == typeof(ulong)) g = Gen.Frequency((1, Gen.OneOfConst(ulong.MaxValue, 0UL)), (3, Gen.ULong)).Select(l => (object?)l);
        else if (t == typeof(double)) g = Gen.Frequency((1, Gen.OneOfConst(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0)),
                                                         (4, Fuzz.HostileDouble), (1, Gen.Double)).Select(d => (object?)d);
        else if (t == typeof(bool)) g = Gen.Bool.Select(b => (object?)b);
        else if (t.IsArray)
        {
            var e = t.GetElementType()!;
            var eg = For(e, false, small: true);
            g = (small ? Gen.Int[0, 4] : Gen.Frequency((4, Gen.Int[0, 8]), (1, Gen.Int[0, 5000]))).SelectMany(n => eg.Array[n]).Select(xs =>
            {
                var a = Array.CreateInstance(e, xs.Length);
                for (int i = 0; i < xs.Length; i++) a.SetValue(xs[i], i);
                return (object?)a;
            });
        }
        else g = Record(t, small);
        return nullable ? Gen.Frequency((1, Gen.Bool.Select(_ => (object?)null)), (5, g)) : g;
    }

    private static Gen<object?> Record(Type t, bool small = false)
    {
        var ctor = t.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var nctx = new NullabilityInfoContext();
        Gen<List<object?>> acc = Gen.Const(0).Select(_ => new List<object?>());
        foreach (var p in ctor.GetParameters())
        {
            var pg = For(p.ParameterType, !p.ParameterType.IsValueType && nctx.Create(p).WriteState == NullabilityState.Nullable, small);
            var prev = acc;
            acc = prev.SelectMany(l => pg.Select(v => new List<object?>(l) { v }));
        }
        return acc.Select(args => (object?)ctor.Invoke([.. args]));
    }

    /// <summary>Structural equality: doubles bit for bit, arrays element by element, records property by property.</summary>
    private static string? Diff(object? a, object? b, string path)
    {
        if (a is null || b is null) return a is null && b is null ? null : $"{path}: {a ?? "null"} vs {b ?? "null"}";
        if (a.GetType() != b.GetType()) return $"{path}: {a.GetType().Name} vs {b.GetType().Name}";
        if (a is double x) return BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits((double)b) ? null : $"{path}: {x:R} vs {b:R}";
        if (a is string or int or long or ulong or bool) return a.Equals(b) ? null : $"{path}: {Show(a)} vs {Show(b)}";
        if (a is Array xa)
        {
            var ya = (Array)b;
            if (xa.Length != ya.Length) return $"{path}: length {xa.Length} vs {ya.Length}";
            for (int i = 0; i < xa.Length; i++) if (Diff(xa.GetValue(i), ya.GetValue(i), $"{path}[{i}]") is { } d) return d;
            return null;
        }
        foreach (var p in a.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttribute<MessagePack.KeyAttribute>() is not null))
            if (Diff(p.GetValue(a), p.GetValue(b), $"{path}.{p.Name}") is { } d) return d;
        return null;
    }

    private static string Show(object o) => o is string s && s.Length > 40 ? $"string of {s.Length}" : o.ToString()!;

    [Fact]
    public void ContractsWithExtremeValuesRoundTripExactly()
    {
        var ser = Ser;
        var types = ContractSerializer.Manifests.ToArray();
        Gen.Int[0, types.Length - 1].SelectMany(i => Record(types[i].Value).Select(o => (types[i].Key, o!))).Check(t =>
        {
            var (manifest, msg) = t;
            if (ser.Manifest(msg) != manifest) throw new Exception($"manifest {ser.Manifest(msg)} for {msg.GetType().Name}");
            var back = ser.FromBinary(ser.ToBinary(msg), manifest);
            if (Diff(msg, back, msg.GetType().Name) is { } d) throw new Exception("round trip changed " + d);
        }, 600);
    }

    /// <summary>Strings travel as UTF-8, which has no form for a lone surrogate: it arrives as U+FFFD, the contract
    /// still decodes (documented behaviour, not an error; ids and masks are ASCII in practice).</summary>
    [Fact]
    public void ALoneSurrogateInAStringArrivesAsTheReplacementCharacter()
    {
        var back = (Pong)Ser.FromBinary(Ser.ToBinary(new Pong(1, "a\uD800b")), "po");
        Assert.Equal("a\uFFFDb", back.Node);
    }
}
