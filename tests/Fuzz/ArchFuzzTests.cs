using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;
using DeepTrain.Model.Hardware;
using DeepTrain.Tests.Workloads;
using Xunit.Abstractions;

namespace DeepTrain.Tests.Fuzz;

/// <summary>
/// Arch JSON through `deeptrain estimate --arch FILE --json`: mutated presets (hostile values in 1–3 fields, removed
/// or unknown fields, damaged text) and specs generated field by field around the documented ranges. Each case exits 0
/// with a finite, non-negative JSON estimate or exits 2 with one line; a rejected field mutation names a field.
/// </summary>
public sealed class ArchFuzzTests : IDisposable
{
    private readonly string _dir = Fuzz.TempDir("arch");
    private readonly string _net = Path.Combine(NetworkJsonTests.RepoRoot(), "examples", "networks", "tiny-resnet.json");
    private int _n;
    private readonly int[] _codes = new int[3];
    private readonly Dictionary<string, int> _reasons = new();
    private string _last = "";
    private readonly ITestOutputHelper _out;

    public ArchFuzzTests(ITestOutputHelper output) => _out = output;

    public void Dispose()
    {
        _out.WriteLine($"exit 0: {_codes[0]}, exit 2: {_codes[2]}; most common rejections: "
                       + string.Join("; ", _reasons.OrderByDescending(kv => kv.Value).Take(6).Select(kv => $"{kv.Key} ×{kv.Value}")));
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly string[] Presets = ArchSpec.Presets.Select(p => ArchSpec.Load(p).ToJson()).ToArray();

    /// <summary>Field names a rejection may name (a spec message names the field that failed, or a derived check's fields).</summary>
    private static readonly string[] FieldWords =
    [
        "crossbar", "organization", "normUnits", "noc", "dram", "components", "activationBits", "imageBits", "technologyNodeNm",
        "name", "description", "sources", "invalid JSON", "empty spec", "missing field",
    ];

    private int Estimate(string json, string? gpu = null)
    {
        string path = Path.Combine(_dir, $"a{Interlocked.Increment(ref _n) % 64}.json");
        File.WriteAllText(path, json);
        int code = Fuzz.RunCli(["estimate", "--net", _net, "--arch", path, "--json", "--gpu", gpu ?? "v100"], json: true, err =>
        {
            _last = err;
            if (!FieldWords.Any(w => err.Contains(w, StringComparison.Ordinal)))
                throw new Exception($"rejection names no field: {err}\nspec: {json}");
        });
        _codes[code]++;
        if (code == 2) lock (_reasons) { var k = string.Join(' ', _last.Split(' ').Skip(2).Take(2)); _reasons[k] = _reasons.GetValueOrDefault(k) + 1; }
        return code;
    }

    [Fact]
    public void MutatedArchSpecsGiveFiniteEstimatesOrOneLineErrors()
    {
        var gen = Gen.Select(Gen.Int[0, Presets.Length - 1], Fuzz.MutationGen.List[1, 3], (p, m) => (Preset: p, Mutations: m));
        gen.Check(c => { Estimate(Fuzz.Mutate(Presets[c.Preset], c.Mutations)); }, 600);
    }

    [Fact]
    public void DamagedArchTextGivesOneLineErrors()
    {
        var gen = Gen.Int[0, Presets.Length - 1].SelectMany(p => Fuzz.Damage(Presets[p]));
        gen.Check(text => { Estimate(text); }, 200);
    }

    /// <summary>A value drawn around a field's range: inside (log-uniform), at the edges, or a decade outside.</summary>
    private static Gen<double> Around(SpecRange r, bool integer)
    {
        double lo = r.Min > 0 ? r.Min : 1e-3, hi = r.Max;
        var inside = Gen.Double[Math.Log10(lo), Math.Log10(hi)].Select(e => Math.Pow(10, e));
        var g = Gen.Frequency((60, inside), (2, Gen.OneOfConst(r.Min, r.Max)), (1, Gen.OneOfConst(r.Min / 10 - 1, r.Max * 10 + 1)), (1, Fuzz.HostileDouble));
        return integer ? g.Select(v => Math.Clamp(Math.Round(v), int.MinValue + 1.0, int.MaxValue)) : g;
    }

    private static readonly (string[] Path, SpecRange Range, bool Integer)[] Fields =
    [
        (["technologyNodeNm"], SpecRanges.TechnologyNodeNm, false), (["activationBits"], SpecRanges.ActivationBits, true),
        (["imageBits"], SpecRanges.ImageBits, true), (["crossbar", "rows"], SpecRanges.Rows, true),
        (["crossbar", "cols"], SpecRanges.Cols, true), (["crossbar", "bitsPerCell"], SpecRanges.BitsPerCell, true),
        (["crossbar", "weightBits"], SpecRanges.WeightBits, true), (["crossbar", "inputBits"], SpecRanges.InputBits, true),
        (["crossbar", "dacBits"], SpecRanges.DacBits, true), (["crossbar", "readCycleSeconds"], SpecRanges.ReadCycleSeconds, false),
        (["crossbar", "adcSamplesPerSecond"], SpecRanges.AdcSamplesPerSecond, false),
        (["crossbar", "writeLatencySeconds"], SpecRanges.WriteLatencySeconds, false),
        (["crossbar", "writeEnergyJoules"], SpecRanges.WriteEnergyJoules, false), (["crossbar", "enduranceCycles"], SpecRanges.EnduranceCycles, false),
        (["organization", "imasPerTile"], SpecRanges.ImasPerTile, true), (["organization", "tiles"], SpecRanges.Tiles, true),
        (["normUnits", "lanes"], SpecRanges.NormUnitLanes, true), (["normUnits", "clockHz"], SpecRanges.NormUnitClockHz, false),
        (["normUnits", "energyPerOpJoules"], SpecRanges.EnergyPerOpJoules, false), (["normUnits", "bufferBytes"], SpecRanges.BufferBytes, false),
        (["normUnits", "opsPerElementForward"], SpecRanges.OpsPerElement, false),
        (["normUnits", "opsPerElementBackward"], SpecRanges.OpsPerElementBackward, false),
        (["noc", "bandwidthBytesPerSecond"], SpecRanges.NocBandwidth, false), (["noc", "energyPerBitJoules"], SpecRanges.NocEnergyPerBit, false),
        (["dram", "bandwidthBytesPerSecond"], SpecRanges.DramBandwidth, false), (["dram", "energyPerBitJoules"], SpecRanges.DramEnergyPerBit, false),
    ];

    /// <summary>The deeptrain preset with every numeric field drawn afresh (the ADC count kept consistent with
    /// adcsPerArray × arraysPerIma, so that most specs are valid and reach the estimate), and every component's power
    /// and area drawn over its range.</summary>
    [Fact]
    public void GeneratedArchSpecsGiveFiniteEstimatesOrOneLineErrors()
    {
        var values = Fields.Select(f => Around(f.Range, f.Integer)).Aggregate(
            Gen.Const(new List<double>()), (acc, g) => acc.SelectMany(l => g.Select(v => new List<double>(l) { v })));
        var extra = Gen.Select(Gen.Int[1, 16], Gen.Int[0, 4], Around(SpecRanges.ComponentPowerWatts, false).Array[17],
                               Around(SpecRanges.ComponentAreaMm2, false).Array[17], Gen.Int[0, 9],
                               (a, adcs, p, ar, k) => (Arrays: a, Adcs: adcs, Power: p, Area: ar, Consistent: k > 0));
        Gen.Select(values, extra, (v, x) => (V: v, X: x)).Check(c =>
        {
            var v = c.V; var x = c.X;
            var root = JsonNode.Parse(Presets[2])!;
            for (int i = 0; i < Fields.Length; i++)
            {
                var (path, _, integer) = Fields[i];
                JsonNode n = root;
                foreach (var p in path[..^1]) n = n[p]!;
                n[path[^1]] = integer ? JsonValue.Create((long)v[i]) : JsonValue.Create(v[i]);
            }
            if (x.Consistent)
            {
                // Mostly keep the cross-field rules (bits per cell ≤ weight bits, DAC bits ≤ input bits) so cases reach the model.
                var cb = root["crossbar"]!;
                if ((long)cb["bitsPerCell"]! > (long)cb["weightBits"]!) cb["bitsPerCell"] = (long)cb["weightBits"]!;
                if ((long)cb["dacBits"]! > (long)cb["inputBits"]!) cb["dacBits"] = (long)cb["inputBits"]!;
                if (x.Adcs > (long)cb["cols"]!) x.Adcs = (int)Math.Max(0, (long)cb["cols"]!);
            }
            root["organization"]!["arraysPerIma"] = x.Arrays;
            root["crossbar"]!["adcsPerArray"] = x.Adcs;
            var comps = root["components"]!.AsArray();
            for (int i = 0; i < comps.Count; i++)
            {
                comps[i]!["powerWatts"] = x.Power[i % x.Power.Length];
                comps[i]!["areaMm2"] = x.Area[i % x.Area.Length];
                if ((string?)comps[i]!["class"] == "adc") comps[i]!["count"] = x.Adcs * x.Arrays;
            }
            Estimate(root.ToJsonString());
        }, 600);
    }
}
