using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace DeepTrain.Model.Gpu;

/// <summary>
/// Published peak figures of one GPU. Loaded from JSON where every constant is <c>{ "value": …, "source": "…" }</c>;
/// presets gtx1080, v100, a100, h100 are embedded (src/Model/Gpu/Presets). See docs/GPU.md.
/// </summary>
public sealed record GpuSpec
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Peak FP32 rate on CUDA cores (FLOP/s, one FMA = 2 FLOPs).</summary>
    public required double PeakFp32Flops { get; init; }
    /// <summary>Peak dense TF32 tensor-core rate (FLOP/s); 0 = no TF32 mode.</summary>
    public required double PeakTf32TensorFlops { get; init; }
    /// <summary>Peak dense FP16 tensor-core rate with FP32 accumulation (FLOP/s); 0 = no tensor cores.</summary>
    public required double PeakFp16TensorFlops { get; init; }
    public required double MemoryBandwidthBytesPerSecond { get; init; }
    public required double MemoryBytes { get; init; }
    /// <summary>Board power limit (W). The baseline assumes training runs at this power (docs/GPU.md).</summary>
    public required double TdpWatts { get; init; }
    /// <summary>Fixed cost added per kernel (s).</summary>
    public required double KernelOverheadSeconds { get; init; }
    /// <summary>Area of the GPU die (mm²), for iso-area comparisons; 0 = not given (optional field <c>dieAreaMm2</c>).</summary>
    public double DieAreaMm2 { get; init; }
    /// <summary>Board power (W) the iso-power comparison matches: the board power limit <see cref="TdpWatts"/>.</summary>
    public double BoardPowerWatts => TdpWatts;
    /// <summary>Source string of every constant, keyed by JSON field name.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();

    public static IReadOnlyList<string> Presets { get; } = ["gtx1080", "v100", "a100", "h100"];

    /// <summary>A preset name (case-insensitive) or the path of a GPU spec JSON file.</summary>
    public static GpuSpec Load(string presetOrPath)
    {
        string key = presetOrPath.Trim().ToLowerInvariant();
        if (Presets.Contains(key))
        {
            using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream($"DeepTrain.Model.Gpu.Presets.{key}.json")
                          ?? throw new InvalidOperationException($"embedded GPU preset '{key}' is missing from the assembly");
            using var r = new StreamReader(s);
            return Parse(r.ReadToEnd(), $"gpu preset '{key}'");
        }
        if (!File.Exists(presetOrPath))
            throw new SpecError($"unknown GPU '{presetOrPath}': not a preset ({string.Join(", ", Presets)}) and no such file");
        string text;
        try { text = File.ReadAllText(presetOrPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecError($"cannot read GPU spec '{presetOrPath}': {e.Message}", e);
        }
        return Parse(text, presetOrPath);
    }

    private const string OptionalDieArea = "dieAreaMm2";

    private static readonly string[] RequiredPositive =
        ["peakFp32Flops", "memoryBandwidthBytesPerSecond", "memoryBytes", "tdpWatts"];
    private static readonly string[] RequiredNonNegative =
        ["peakTf32TensorFlops", "peakFp16TensorFlops", "kernelOverheadSeconds"];

    /// <summary>Accepted (min, max) of each field, with the reason (docs/GPU.md, "Accepted ranges"). A tensor-core
    /// rate may also be exactly 0 (no such mode). Keeps every derived time and energy finite.</summary>
    public static IReadOnlyDictionary<string, (double Min, double Max, string Reason)> Ranges { get; } =
        new Dictionary<string, (double, double, string)>
        {
            ["peakFp32Flops"] = (1e6, 1e18, "1 MFLOP/s to 1 EFLOP/s (an H100 gives 6.7e13)"),
            ["peakTf32TensorFlops"] = (1e6, 1e18, "0 (no TF32 mode) or 1 MFLOP/s to 1 EFLOP/s"),
            ["peakFp16TensorFlops"] = (1e6, 1e18, "0 (no tensor cores) or 1 MFLOP/s to 1 EFLOP/s"),
            ["memoryBandwidthBytesPerSecond"] = (1e6, 1e15, "1 MB/s to 1 PB/s (HBM3: 3.35e12)"),
            ["memoryBytes"] = (1e6, 1e15, "1 MB to 1 PB"),
            ["tdpWatts"] = (0.1, 1e5, "0.1 W to 100 kW per board"),
            ["kernelOverheadSeconds"] = (0, 1, "0 to 1 s per kernel launch (real: ~5 µs)"),
        };

    /// <summary>Parses a spec; any problem is a one-line <see cref="SpecError"/> naming the field.</summary>
    public static GpuSpec Parse(string json, string source = "GPU spec")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new SpecError($"{source}: not valid JSON (line {e.LineNumber + 1})", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new SpecError($"{source}: the top level must be an object");
            var known = new HashSet<string>(RequiredPositive.Concat(RequiredNonNegative)) { "name", "description", OptionalDieArea };
            foreach (var p in root.EnumerateObject())
                if (!known.Contains(p.Name)) throw new SpecError($"{source}: unknown field '{p.Name}'");
            if (!root.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString()))
                throw new SpecError($"{source}: 'name' must be a non-empty string");
            string desc = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
            var values = new Dictionary<string, double>();
            var sources = new Dictionary<string, string>();
            foreach (var f in RequiredPositive.Concat(RequiredNonNegative))
            {
                if (!root.TryGetProperty(f, out var c)) throw new SpecError($"{source}: '{f}' is missing");
                if (c.ValueKind != JsonValueKind.Object || !c.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Number)
                    throw new SpecError($"{source}: '{f}' must be an object {{\"value\": number, \"source\": \"…\"}}");
                if (!c.TryGetProperty("source", out var s) || s.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(s.GetString()))
                    throw new SpecError($"{source}: '{f}.source' must name where the value comes from");
                if (!v.TryGetDouble(out double x)) x = double.PositiveInfinity; // beyond double's range
                bool positive = RequiredPositive.Contains(f);
                if (!double.IsFinite(x) || x < 0 || (positive && x == 0))
                    throw new SpecError($"{source}: '{f}' must be {(positive ? "> 0" : "≥ 0")}, got {v.GetRawText()}");
                var (min, max, why) = Ranges[f];
                bool zeroAllowed = f is "peakTf32TensorFlops" or "peakFp16TensorFlops";
                if ((x < min || x > max) && !(zeroAllowed && x == 0))
                    throw new SpecError(string.Create(CultureInfo.InvariantCulture,
                        $"{source}: '{f}' must be between {min:G} and {max:G} ({why}), got {v.GetRawText()}"));
                values[f] = x;
                sources[f] = s.GetString()!;
            }
            double dieArea = 0;
            if (root.TryGetProperty(OptionalDieArea, out var da))
            {
                if (da.ValueKind != JsonValueKind.Object || !da.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Number)
                    throw new SpecError($"{source}: '{OptionalDieArea}' must be an object {{\"value\": number, \"source\": \"…\"}}");
                if (!da.TryGetProperty("source", out var s) || s.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(s.GetString()))
                    throw new SpecError($"{source}: '{OptionalDieArea}.source' must name where the value comes from");
                dieArea = v.GetDouble();
                if (!double.IsFinite(dieArea) || dieArea <= 0)
                    throw new SpecError($"{source}: '{OptionalDieArea}' must be > 0, got {v.GetRawText()}");
                sources[OptionalDieArea] = s.GetString()!;
            }
            return new GpuSpec
            {
                Name = n.GetString()!,
                Description = desc,
                PeakFp32Flops = values["peakFp32Flops"],
                PeakTf32TensorFlops = values["peakTf32TensorFlops"],
                PeakFp16TensorFlops = values["peakFp16TensorFlops"],
                MemoryBandwidthBytesPerSecond = values["memoryBandwidthBytesPerSecond"],
                MemoryBytes = values["memoryBytes"],
                TdpWatts = values["tdpWatts"],
                KernelOverheadSeconds = values["kernelOverheadSeconds"],
                DieAreaMm2 = dieArea,
                Sources = sources,
            };
        }
    }
}
