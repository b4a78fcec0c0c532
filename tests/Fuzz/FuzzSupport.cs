using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Fuzz;

/// <summary>
/// Shared pieces of the fuzz suite (docs/RELIABILITY.md): iteration counts, generators of hostile values, JSON
/// mutations, and the property every surface must hold — the command exits 0 with finite, in-range results, or exits
/// 2 with one line on stderr that names the problem; never 1 (internal error), never a stack trace, never NaN/∞.
/// </summary>
public static class Fuzz
{
    /// <summary>Cases per surface: <c>DEEPTRAIN_FUZZ_ITER</c> when set (the long run uses 10000), else
    /// <paramref name="ci"/>, sized so the whole suite stays well under a minute on a loaded 2-core machine.</summary>
    public static long Iter(long ci) =>
        long.TryParse(Environment.GetEnvironmentVariable("DEEPTRAIN_FUZZ_ITER"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n > 0
            ? n : ci;

    /// <summary><c>DEEPTRAIN_FUZZ_SEED</c> replays a failure CsCheck printed; null = a fresh random seed.</summary>
    public static string? Seed => Environment.GetEnvironmentVariable("DEEPTRAIN_FUZZ_SEED") is { Length: > 0 } s ? s : null;

    /// <summary>CsCheck's Sample, single-threaded (the launcher writes through shared writers), with the failing
    /// case's own message in the exception (CsCheck keeps it as the inner exception).</summary>
    public static void Check<T>(this Gen<T> gen, Action<T> property, long ci)
    {
        try { gen.Sample(property, iter: Iter(ci), threads: 1, seed: Seed); }
        catch (CsCheckException e) { throw new Exception($"{e.Message} | {e.InnerException?.Message}", e); }
    }

    /// <summary>A scratch folder for one test class's input files (deleted with the class).</summary>
    public static string TempDir(string name)
    {
        string d = Path.Combine(Path.GetTempPath(), $"deeptrain-fuzz-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Doubles that break naive code: zeros, subnormals, the extremes, integer edges, and a log-uniform
    /// spread over the whole double range.</summary>
    public static readonly Gen<double> HostileDouble = Gen.Frequency(
        (3, Gen.OneOfConst(0.0, -0.0, -1.0, 1.0, 0.5, 1e-308, double.Epsilon, 1e308, double.MaxValue, -double.MaxValue,
                           2147483647.0, -2147483648.0, 2147483648.0, 4294967296.0, 9007199254740993.0, 9.3e18, 1e-12, 1e12, 1e-3, 1e3)),
        (3, Gen.Double[-320, 308].Select(e => Math.Pow(10, e))),
        (1, Gen.Double[-1e6, 1e6]));

    /// <summary>Ints at and around the edges.</summary>
    public static readonly Gen<int> HostileInt = Gen.Frequency(
        (3, Gen.OneOfConst(0, -1, 1, 2, int.MaxValue, int.MinValue, int.MaxValue - 1, 1 << 16, 1 << 20, 1 << 30, 65536, 65537)),
        (2, Gen.Int[-100, 5000]),
        (1, Gen.Int));

    /// <summary>Raw JSON text for a value: hostile numbers, out-of-range literals, and values of the wrong kind.</summary>
    public static readonly Gen<string> HostileRaw = Gen.Frequency(
        (4, HostileDouble.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (3, HostileInt.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.OneOfConst("1e400", "-1e400", "1e-400", "null", "\"x\"", "\"\"", "true", "false", "[]", "{}", "[1,2]",
                           "1.5", "-0", "0.0", "123456789012345678901234567890", "NaN", "Infinity", "\"NaN\"", "\"1e308\"")));

    /// <summary>Every path to a leaf (value that is not an object or array) of <paramref name="node"/>.</summary>
    public static List<string[]> Leaves(JsonNode node)
    {
        var result = new List<string[]>();
        void Walk(JsonNode? n, List<string> path)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var kv in o) { path.Add(kv.Key); Walk(kv.Value, path); path.RemoveAt(path.Count - 1); }
                    break;
                case JsonArray a:
                    for (int i = 0; i < a.Count; i++) { path.Add("#" + i); Walk(a[i], path); path.RemoveAt(path.Count - 1); }
                    break;
                default:
                    result.Add(path.ToArray());
                    break;
            }
        }
        Walk(node, new List<string>());
        return result;
    }

    /// <summary>One structural mutation of a JSON document.</summary>
    public enum Op { SetRaw, Scale, Remove, AddUnknown, Duplicate }

    public sealed record Mutation(Op Op, int Leaf, string Raw)
    {
        public override string ToString() => $"{Op} leaf {Leaf} = {Raw}";
    }

    public static Gen<Mutation> MutationGen => Gen.Select(
        Gen.Frequency((6, Gen.Const(Op.SetRaw)), (6, Gen.Const(Op.Scale)), (2, Gen.Const(Op.Remove)), (1, Gen.Const(Op.AddUnknown)), (1, Gen.Const(Op.Duplicate))),
        Gen.Int[0, 1 << 20], HostileRaw, (o, l, r) => new Mutation(o, l, r));

    /// <summary>Applies <paramref name="mutations"/> to <paramref name="json"/> (leaf indices taken modulo the leaf count)
    /// and returns the text; raw values are spliced in as text so that literals JSON cannot hold (1e400, NaN) appear.
    /// <paramref name="mutatedFields"/> gets the leaf name of each field that was changed.</summary>
    public static string Mutate(string json, IReadOnlyList<Mutation> mutations, List<string>? mutatedFields = null)
    {
        var root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var raws = new List<string>();
        foreach (var m in mutations)
        {
            var leaves = Leaves(root);
            if (leaves.Count == 0) break;
            var path = leaves[m.Leaf % leaves.Count];
            var parent = Parent(root, path);
            string last = path[^1];
            mutatedFields?.Add(last.StartsWith('#') ? path.Length > 1 ? path[^2] : last : last);
            switch (m.Op)
            {
                case Op.SetRaw:
                    raws.Add(m.Raw);
                    Set(parent, last, JsonValue.Create($"@@RAW{raws.Count - 1}@@"));
                    break;
                case Op.Scale:
                    // A plausible edit: the field's number times 10^k (k in -3..3, from the raw text's length), kept integral.
                    var old = parent is JsonObject so ? so[last] : parent is JsonArray sa ? sa[int.Parse(last[1..], CultureInfo.InvariantCulture)] : null;
                    if (old is JsonValue ov && ov.TryGetValue(out double x))
                    {
                        double f = Math.Pow(10, m.Raw.Length % 7 - 3) * (1 + (m.Leaf % 10) / 10.0);
                        bool integral = ov.ToJsonString().All(ch => char.IsDigit(ch) || ch == '-');
                        Set(parent, last, integral ? JsonValue.Create(Math.Max(0, (long)Math.Round(x * f))) : JsonValue.Create(x * f));
                    }
                    break;
                case Op.Remove:
                    if (parent is JsonObject po) po.Remove(last);
                    else if (parent is JsonArray pa) pa.RemoveAt(int.Parse(last[1..], CultureInfo.InvariantCulture));
                    break;
                case Op.AddUnknown:
                    if (parent is JsonObject uo && !uo.ContainsKey(last + "X")) uo[last + "X"] = 1;
                    break;
                case Op.Duplicate:
                    if (parent is JsonArray da) da.Add(da[int.Parse(last[1..], CultureInfo.InvariantCulture)]?.DeepClone());
                    else if (parent is JsonObject dobj && Parent(root, path[..^1]) is JsonArray grand)
                        grand.Add(dobj.DeepClone());
                    break;
            }
        }
        string text = root.ToJsonString();
        for (int i = 0; i < raws.Count; i++) text = text.Replace($"\"@@RAW{i}@@\"", raws[i]);
        return text;
    }

    private static JsonNode? Parent(JsonNode root, string[] path)
    {
        JsonNode? n = root;
        for (int i = 0; i < path.Length - 1; i++)
            n = path[i].StartsWith('#') ? n?.AsArray()[int.Parse(path[i][1..], CultureInfo.InvariantCulture)] : n?[path[i]];
        return n;
    }

    private static void Set(JsonNode? parent, string key, JsonNode value)
    {
        if (parent is JsonObject o) o[key] = value;
        else if (parent is JsonArray a) a[int.Parse(key[1..], CultureInfo.InvariantCulture)] = value;
    }

    /// <summary>Byte-level damage: truncation, a flipped character, an inserted character.</summary>
    public static Gen<string> Damage(string text) => Gen.Select(Gen.Int[0, 2], Gen.Int[0, Math.Max(0, text.Length - 1)], Gen.Char,
        (kind, at, c) => kind switch
        {
            0 => text[..at],
            1 => text[..at] + c + text[Math.Min(text.Length, at + 1)..],
            _ => text[..at] + c + text[at..],
        });

    /// <summary>Runs the launcher in-process and asserts the property; returns the exit code (0 or 2).</summary>
    public static int RunCli(string[] args, bool json, Action<string>? onError = null)
    {
        var (code, stdout, stderr) = CliRunner.Run(args);
        string input = string.Join(' ', args);
        if (code == 0)
        {
            if (json) AssertFiniteJson(stdout, input);
            else if (stdout.Contains('∞') || stdout.Contains("NaN", StringComparison.Ordinal))
                throw new Exception($"exit 0 but output holds ∞/NaN for {input}:\n{stdout}");
            return 0;
        }
        if (code != 2) throw new Exception($"exit {code} (expected 0 or 2) for {input}: {stderr}");
        AssertOneLineError(stderr, input);
        onError?.Invoke(stderr);
        return 2;
    }

    /// <summary>A user error: exactly one non-empty line, no internal error, no stack trace.</summary>
    public static void AssertOneLineError(string stderr, string input)
    {
        var lines = stderr.TrimEnd().Split('\n');
        if (lines.Length != 1 || lines[0].Trim().Length == 0)
            throw new Exception($"error is not one line for {input}:\n{stderr}");
        if (stderr.Contains("internal error", StringComparison.Ordinal) || stderr.Contains("   at ", StringComparison.Ordinal))
            throw new Exception($"internal error or stack trace for {input}: {stderr}");
    }

    /// <summary>stdout is one JSON document whose every number is finite and non-negative.</summary>
    public static void AssertFiniteJson(string stdout, string input)
    {
        using var doc = JsonDocument.Parse(stdout);
        void Walk(JsonElement e, string path)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object: foreach (var p in e.EnumerateObject()) Walk(p.Value, path + "." + p.Name); break;
                case JsonValueKind.Array: int i = 0; foreach (var x in e.EnumerateArray()) Walk(x, $"{path}[{i++}]"); break;
                case JsonValueKind.Number:
                    if (!e.TryGetDouble(out double v) || !double.IsFinite(v) || v < 0)
                        throw new Exception($"{path} = {e.GetRawText()} is not finite and non-negative for {input}");
                    break;
            }
        }
        Walk(doc.RootElement, "$");
    }
}
