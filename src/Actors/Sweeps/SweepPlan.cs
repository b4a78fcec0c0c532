using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepTrain.Model;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Actors.Sweeps;

/// <summary>
/// SPEC.json for `deeptrain sweep`:
/// <code>
/// { "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32, 64], "seed": 1,
///   "parameters": { "crossbar.rows": { "grid": [64, 128] },
///                   "organization.tiles": { "random": { "min": 256, "max": 1024, "count": 3, "integer": true } } },
///   "sitePolicies": ["all", "none", "every-2", "fastest-per-k"] }
/// </code>
/// A parameter is a dotted path into the architecture JSON; the modified JSON goes through ArchSpec.Parse, so it is
/// validated exactly like a user's spec file.
/// </summary>
public sealed record SweepSpecFile
{
    public string[] Networks { get; init; } = [];
    public string[] Archs { get; init; } = [];
    public int[] BatchSizes { get; init; } = [];
    public int Seed { get; init; } = 1;
    public Dictionary<string, JsonElement> Parameters { get; init; } = new();
    public string[] SitePolicies { get; init; } = ["all"];
    /// <summary>Best rows kept per metric column (OUT.top.csv); 0 = none.</summary>
    public int Top { get; init; } = 10;
}

/// <summary>One (network, arch + parameter values, batch, policy) combination: a block of consecutive points.</summary>
public sealed record SweepConfig(int Index, string Network, string Arch, string ParameterText, int Batch, string Policy,
    long FirstPoint, int Points, string ArchJson);

/// <summary>
/// The sweep's points in a fixed order: configs in nested order (network, arch, parameter combination, batch,
/// policy) and, within a config, the policy's masks (fastest-per-k: k = 0..S). Point ids are global and stable,
/// which is what lets a sweep be split over workers and resumed.
/// </summary>
public sealed class SweepPlan
{
    public static readonly string[] MetricColumns = ["timePerBatchSeconds", "imagesPerSecond", "energyPerImageJoules", "areaMm2", "activeSites"];

    public string SpecJson { get; }
    public IReadOnlyList<SweepConfig> Configs { get; }
    public long TotalPoints { get; }


    /// <summary>Rows kept per metric in the sweep's top list (spec field "top", default 10).</summary>
    public int Top { get; }

    private SweepPlan(string json, List<SweepConfig> configs, int top)
    {
        SpecJson = json; Configs = configs; Top = top;
        TotalPoints = configs.Count == 0 ? 0 : configs[^1].FirstPoint + configs[^1].Points;
    }

    /// <summary>Largest batch size a sweep point may have (the same bound as the commands' --batch).</summary>
    public const int MaxBatch = 1 << 20;
    /// <summary>Most (network, arch, parameter combination, batch, policy) configs one spec may expand to.</summary>
    public const long MaxConfigs = 10_000_000;

    /// <summary>
    /// Parses and validates the whole spec before any work starts: unknown fields (with a "did you mean"), nulls,
    /// wrong types, batch sizes outside 1..<see cref="MaxBatch"/>, unknown networks, archs and site policies, and
    /// bad parameter axes are each a one-line <see cref="UserError"/> naming the field.
    /// </summary>
    public static SweepPlan Parse(string json)
    {
        var spec = Validated(json);
        var rng = new Random(spec.Seed);
        var axes = spec.Parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Path: kv.Key, Values: Values(kv.Key, kv.Value, rng))).ToList();
        var combos = new List<(string Path, double Value)[]> { Array.Empty<(string, double)>() };
        long configCount = (long)spec.Networks.Length * spec.Archs.Length * spec.BatchSizes.Length * spec.SitePolicies.Length;
        foreach (var (path, values) in axes)
        {
            configCount = configCount > MaxConfigs ? configCount : configCount * values.Length;
            if (configCount > MaxConfigs)
                throw new UserError($"sweep spec: more than {MaxConfigs:N0} (network, arch, parameters, batch, policy) combinations; split the sweep");
            combos = combos.SelectMany(c => values.Select(v => c.Append((path, v)).ToArray())).ToList();
        }

        var configs = new List<SweepConfig>();
        long next = 0;
        foreach (var net in spec.Networks)
        {
            int sites = Zoo.Resolve(net).SiteCount;
            foreach (var arch in spec.Archs)
            {
                var baseJson = ArchSpec.Load(arch).ToJson();
                foreach (var combo in combos)
                {
                    var archJson = Apply(baseJson, combo);
                    ArchSpec.Parse(archJson, $"sweep arch {arch}"); // validate once, at plan time
                    var text = string.Join(";", combo.Select(c => $"{c.Path}={c.Value.ToString("R", CultureInfo.InvariantCulture)}"));
                    foreach (var batch in spec.BatchSizes)
                        for (int pi = 0; pi < spec.SitePolicies.Length; pi++)
                        {
                            var policy = spec.SitePolicies[pi];
                            int n = PolicyPoints(policy, sites, $"sweep spec: sitePolicies[{pi}] (network {net})");
                            configs.Add(new SweepConfig(configs.Count, net, arch, text, batch, policy, next, n, archJson));
                            next += n;
                        }
                }
            }
        }
        return new SweepPlan(json, configs, spec.Top);
    }

    /// <summary>
    /// SHA-256 (hex) of what defines the point ids and their values: every config's network, arch JSON, parameters,
    /// batch, policy and point range. A resumed front-only sweep compares it with its progress file.
    /// </summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint();
    private string? _fingerprint;

    private string ComputeFingerprint()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("top ").Append(Top).Append('\n');
        foreach (var c in Configs)
            sb.Append(c.Network).Append('\u001f').Append(c.Arch).Append('\u001f').Append(c.ParameterText).Append('\u001f')
              .Append(c.Batch).Append('\u001f').Append(c.Policy).Append('\u001f').Append(c.FirstPoint).Append('\u001f')
              .Append(c.Points).Append('\u001f').Append(c.ArchJson).Append('\n');
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sb.ToString())));
    }

    public SweepConfig ConfigOf(long point)
    {
        int lo = 0, hi = Configs.Count - 1;
        while (lo < hi) { int mid = (lo + hi + 1) / 2; if (Configs[mid].FirstPoint <= point) lo = mid; else hi = mid - 1; }
        return Configs[lo];
    }

    /// <summary>Points of one policy: fastest-per-k gives one per k = 0..S; every other policy is one mask in the
    /// shared site grammar (<see cref="SiteSelection"/>; the old every-K is every:K and selects the same sites).</summary>
    private static int PolicyPoints(string policy, int sites, string what)
    {
        if (policy == "fastest-per-k") return sites + 1;
        SiteSelection.Parse(policy, sites, what); // validates at plan time, on the submitting side
        return 1;
    }

    /// <summary>The masks of one config's policy, in point order.</summary>
    public static IReadOnlyList<SiteMask> Masks(string policy, ModelTables tables)
    {
        if (policy == "fastest-per-k") return PlacementDp.Solve(tables).OrderBy(p => p.K).Select(p => p.Mask).ToList();
        return [SiteSelection.Parse(policy, tables.SiteCount, "sweep spec: site policy")];
    }

    private static readonly string[] SpecFields = ["networks", "archs", "batchSizes", "seed", "parameters", "sitePolicies", "top"];

    /// <summary>The spec as typed values, every field checked (names, nulls, types, ranges) with one-line errors.</summary>
    private static SweepSpecFile Validated(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e)
        {
            // JsonException quotes the offending text, which may span lines: name the place instead.
            string at = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw new UserError($"sweep spec: invalid JSON{at}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new UserError($"sweep spec: expected a JSON object, got {Kind(root)}");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                var known = SpecFields.FirstOrDefault(f => f.Equals(p.Name, StringComparison.OrdinalIgnoreCase));
                if (known is null)
                    throw new UserError($"sweep spec: unknown field '{p.Name}'{NearestName.Hint(p.Name, SpecFields)} (allowed: {string.Join(", ", SpecFields)})");
                if (!seen.Add(known)) throw new UserError($"sweep spec: field '{known}' appears twice");
                if (p.Value.ValueKind == JsonValueKind.Null) throw new UserError($"sweep spec: '{known}' is null; {Expect(known)}");
            }
            JsonElement? Get(string name)
            {
                foreach (var p in root.EnumerateObject())
                    if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return p.Value;
                return null;
            }
            var networks = Strings(Get("networks"), "networks", required: true)!;
            var archs = Strings(Get("archs"), "archs", required: true)!;
            var policies = Strings(Get("sitePolicies"), "sitePolicies", required: false) ?? ["all"];
            int[] batches = Get("batchSizes") is { } bs
                ? ListOf(bs, "batchSizes").Select((e, i) => Integer(e, $"batchSizes[{i}]", 1, MaxBatch)).ToArray()
                : throw new UserError($"sweep spec: 'batchSizes' is missing; {Expect("batchSizes")}");
            if (batches.Length == 0) throw new UserError($"sweep spec: 'batchSizes' is empty; {Expect("batchSizes")}");
            int seed = Get("seed") is { } sd ? Integer(sd, "seed", int.MinValue, int.MaxValue) : 1;
            int top = Get("top") is { } tp ? Integer(tp, "top", 0, 1000) : 10;
            var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (Get("parameters") is { } ps)
            {
                if (ps.ValueKind != JsonValueKind.Object) throw new UserError($"sweep spec: 'parameters' must be an object, got {Kind(ps)}");
                foreach (var p in ps.EnumerateObject())
                {
                    CheckAxis(p.Name, p.Value);
                    parameters[p.Name] = p.Value.Clone();
                }
            }
            return new SweepSpecFile
            {
                Networks = networks, Archs = archs, BatchSizes = batches, Seed = seed, Parameters = parameters,
                SitePolicies = policies, Top = top,
            };
        }
    }

    private static string Expect(string field) => field switch
    {
        "networks" => "give a list of zoo names or network files, e.g. [\"resnet20\"]",
        "archs" => "give a list of presets or spec files, e.g. [\"deeptrain\"]",
        "batchSizes" => $"give a list of batch sizes 1..{MaxBatch}, e.g. [32, 64]",
        "sitePolicies" => $"give a list of site policies: fastest-per-k or {SiteSelection.Words}",
        "parameters" => "give an object of \"dotted.path\": {\"grid\": [...]} or {\"random\": {min, max, count}}",
        "seed" => "give an integer",
        _ => "give an integer 0..1000",
    };

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object", JsonValueKind.Array => "a list", JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number", JsonValueKind.True or JsonValueKind.False => "a boolean", _ => "null",
    };

    private static JsonElement[] ListOf(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Array) throw new UserError($"sweep spec: '{field}' must be a list, got {Kind(e)}; {Expect(field)}");
        return e.EnumerateArray().ToArray();
    }

    private static string[]? Strings(JsonElement? e, string field, bool required)
    {
        if (e is not { } v)
            return required ? throw new UserError($"sweep spec: '{field}' is missing; {Expect(field)}") : null;
        var items = ListOf(v, field);
        if (items.Length == 0) throw new UserError($"sweep spec: '{field}' is empty; {Expect(field)}");
        var result = new string[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].ValueKind != JsonValueKind.String)
                throw new UserError($"sweep spec: {field}[{i}] must be a string, got {Kind(items[i])}");
            var s = items[i].GetString()!.Trim();
            if (s.Length == 0) throw new UserError($"sweep spec: {field}[{i}] is empty");
            result[i] = s;
        }
        return result;
    }

    private static int Integer(JsonElement e, string field, long min, long max)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long v))
            throw new UserError($"sweep spec: {field} must be a whole number, got {(e.ValueKind == JsonValueKind.Number ? e.GetRawText() : Kind(e))}");
        if (v < min || v > max) throw new UserError($"sweep spec: {field} must be between {min} and {max}, got {v}");
        return (int)v;
    }

    private static double Finite(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v) || !double.IsFinite(v))
            throw new UserError($"sweep spec: {field} must be a finite number, got {(e.ValueKind == JsonValueKind.Number ? e.GetRawText() : Kind(e))}");
        return v;
    }

    /// <summary>Most values one parameter axis may have.</summary>
    public const int MaxAxisValues = 1_000_000;

    private static void CheckAxis(string path, JsonElement e)
    {
        string where = $"parameters.{path}";
        if (path.Length == 0 || path.Split('.').Any(p => p.Length == 0)) throw new UserError($"sweep spec: parameter '{path}' is not a dotted path like crossbar.rows");
        if (e.ValueKind != JsonValueKind.Object) throw new UserError($"sweep spec: {where} must be an object; {Expect("parameters")}");
        var names = e.EnumerateObject().Select(p => p.Name).ToArray();
        if (names.Length != 1 || names[0] is not ("grid" or "random"))
        {
            var odd = names.FirstOrDefault(n => n is not ("grid" or "random"));
            throw new UserError(odd is not null
                ? $"sweep spec: {where}: unknown field '{odd}'{NearestName.Hint(odd, ["grid", "random"])}; use \"grid\" or \"random\""
                : $"sweep spec: {where} needs exactly one of \"grid\": [...] or \"random\": {{min, max, count}}");
        }
        var body = e.GetProperty(names[0]);
        if (body.ValueKind == JsonValueKind.Null) throw new UserError($"sweep spec: {where}.{names[0]} is null; {Expect("parameters")}");
        if (names[0] == "grid")
        {
            var values = ListOf(body, $"{where}.grid");
            if (values.Length == 0) throw new UserError($"sweep spec: {where}.grid is empty");
            if (values.Length > MaxAxisValues) throw new UserError($"sweep spec: {where}.grid has more than {MaxAxisValues} values");
            for (int i = 0; i < values.Length; i++) Finite(values[i], $"{where}.grid[{i}]");
            return;
        }
        if (body.ValueKind != JsonValueKind.Object) throw new UserError($"sweep spec: {where}.random must be an object {{min, max, count}}");
        string[] allowed = ["min", "max", "count", "integer"];
        foreach (var p in body.EnumerateObject())
        {
            if (!allowed.Contains(p.Name))
                throw new UserError($"sweep spec: {where}.random: unknown field '{p.Name}'{NearestName.Hint(p.Name, allowed)} (allowed: min, max, count, integer)");
            if (p.Value.ValueKind == JsonValueKind.Null) throw new UserError($"sweep spec: {where}.random.{p.Name} is null");
        }
        foreach (var need in new[] { "min", "max", "count" })
            if (!body.TryGetProperty(need, out _)) throw new UserError($"sweep spec: {where}.random needs '{need}'");
        double min = Finite(body.GetProperty("min"), $"{where}.random.min"), max = Finite(body.GetProperty("max"), $"{where}.random.max");
        if (max < min) throw new UserError($"sweep spec: {where}.random: max {max} is below min {min}");
        if (!double.IsFinite(max - min)) throw new UserError($"sweep spec: {where}.random: max − min is not a finite number");
        Integer(body.GetProperty("count"), $"{where}.random.count", 1, MaxAxisValues);
        if (body.TryGetProperty("integer", out var integer) && integer.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new UserError($"sweep spec: {where}.random.integer must be true or false, got {Kind(integer)}");
    }

    private static double[] Values(string path, JsonElement e, Random rng)
    {
        // Shape and values already checked by CheckAxis.
        if (e.TryGetProperty("grid", out var grid)) return grid.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        if (e.TryGetProperty("random", out var r))
        {
            double min = r.GetProperty("min").GetDouble(), max = r.GetProperty("max").GetDouble();
            int count = r.GetProperty("count").GetInt32();
            bool integer = r.TryGetProperty("integer", out var i) && i.GetBoolean();
            return Enumerable.Range(0, count).Select(_ =>
            {
                double v = min + rng.NextDouble() * (max - min);
                return integer ? Math.Round(v) : v;
            }).ToArray();
        }
        throw new UserError($"sweep spec: parameter '{path}' needs \"grid\": [...] or \"random\": {{min, max, count}}");
    }

    private static string Apply(string archJson, (string Path, double Value)[] combo)
    {
        if (combo.Length == 0) return archJson;
        var root = JsonNode.Parse(archJson)!;
        foreach (var (path, value) in combo)
        {
            var parts = path.Split('.');
            var node = root;
            foreach (var p in parts[..^1])
                node = (node as JsonObject)?[p] ?? throw new UserError($"sweep spec: parameter '{path}': no field '{p}' in the architecture");
            var old = (node as JsonObject)?[parts[^1]] ?? throw new UserError($"sweep spec: parameter '{path}': no field '{parts[^1]}' in the architecture");
            if (old.GetValueKind() != JsonValueKind.Number)
                throw new UserError($"sweep spec: parameter '{path}': the architecture's '{parts[^1]}' is not a number");
            bool isInt = long.TryParse(old.ToJsonString(), out _);
            if (isInt && Math.Abs(value) > 9.0e15)
                throw new UserError($"sweep spec: parameter '{path}' = {value.ToString("R", CultureInfo.InvariantCulture)} is not a representable whole number");
            node[parts[^1]] = isInt ? JsonValue.Create((long)Math.Round(value)) : JsonValue.Create(value);
        }
        return root.ToJsonString();
    }
}
