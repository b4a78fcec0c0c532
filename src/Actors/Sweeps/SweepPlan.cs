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

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Rows kept per metric in the sweep's top list (spec field "top", default 10).</summary>
    public int Top { get; }

    private SweepPlan(string json, List<SweepConfig> configs, int top)
    {
        SpecJson = json; Configs = configs; Top = top;
        TotalPoints = configs.Count == 0 ? 0 : configs[^1].FirstPoint + configs[^1].Points;
    }

    public static SweepPlan Parse(string json)
    {
        SweepSpecFile spec;
        try { spec = JsonSerializer.Deserialize<SweepSpecFile>(json, Json) ?? throw new UserError("sweep spec: empty"); }
        catch (JsonException e) { throw new UserError($"sweep spec: invalid JSON: {e.Message}", e); }
        if (spec.Networks.Length == 0 || spec.Archs.Length == 0 || spec.BatchSizes.Length == 0)
            throw new UserError("sweep spec: networks, archs and batchSizes must each list at least one value");
        var rng = new Random(spec.Seed);
        var axes = spec.Parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Path: kv.Key, Values: Values(kv.Key, kv.Value, rng))).ToList();
        var combos = new List<(string Path, double Value)[]> { Array.Empty<(string, double)>() };
        foreach (var (path, values) in axes)
            combos = combos.SelectMany(c => values.Select(v => c.Append((path, v)).ToArray())).ToList();

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
                        foreach (var policy in spec.SitePolicies)
                        {
                            int n = PolicyPoints(policy, sites);
                            configs.Add(new SweepConfig(configs.Count, net, arch, text, batch, policy, next, n, archJson));
                            next += n;
                        }
                }
            }
        }
        if (spec.Top is < 0 or > 1000) throw new UserError($"sweep spec: top must be 0..1000, got {spec.Top}");
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

    private static int PolicyPoints(string policy, int sites) => policy switch
    {
        "all" or "none" => 1,
        "fastest-per-k" => sites + 1,
        _ when policy.StartsWith("every-", StringComparison.Ordinal) && int.TryParse(policy[6..], out var k) && k >= 1 => 1,
        _ => throw new UserError($"sweep spec: site policy '{policy}' is not all, none, every-K or fastest-per-k"),
    };

    /// <summary>The masks of one config's policy, in point order.</summary>
    public static IReadOnlyList<SiteMask> Masks(string policy, ModelTables tables)
    {
        int s = tables.SiteCount;
        if (policy == "all") return [SiteMask.All(s)];
        if (policy == "none") return [SiteMask.None(s)];
        if (policy == "fastest-per-k") return PlacementDp.Solve(tables).OrderBy(p => p.K).Select(p => p.Mask).ToList();
        int every = int.Parse(policy[6..], CultureInfo.InvariantCulture);
        return [SiteMask.FromIndices(s, Enumerable.Range(0, s).Where(i => (i + 1) % every == 0))];
    }

    private static double[] Values(string path, JsonElement e, Random rng)
    {
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
                node = node[p] ?? throw new UserError($"sweep spec: parameter '{path}': no field '{p}' in the architecture");
            var old = node[parts[^1]] ?? throw new UserError($"sweep spec: parameter '{path}': no field '{parts[^1]}' in the architecture");
            bool isInt = old.GetValueKind() == JsonValueKind.Number && long.TryParse(old.ToJsonString(), out _);
            node[parts[^1]] = isInt ? JsonValue.Create((long)Math.Round(value)) : JsonValue.Create(value);
        }
        return root.ToJsonString();
    }
}
