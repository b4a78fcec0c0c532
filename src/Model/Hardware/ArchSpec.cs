using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepTrain.Model.Hardware;

/// <summary>
/// A ReRAM-crossbar training accelerator: crossbars, their IMA/tile organization, normalization units, on-chip
/// network, buffers, DRAM, and a component table (power and area per component, each with a source string).
/// Loaded from JSON (<see cref="Load"/>); every numeric field is validated (missing → "missing", negative or
/// inconsistent → <see cref="SpecError"/> naming the field). Units are SI (seconds, joules, watts, bytes/s) except
/// areas in mm². Missing values are represented by NaN / <see cref="int.MinValue"/> until validation.
/// </summary>
public sealed record ArchSpec
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>CMOS technology node in nm (for documenting scaled constants).</summary>
    public double TechnologyNodeNm { get; init; } = double.NaN;
    public CrossbarSpec Crossbar { get; init; } = new();
    public OrganizationSpec Organization { get; init; } = new();
    public NormUnitSpec NormUnits { get; init; } = new();
    public NocSpec Noc { get; init; } = new();
    public DramSpec Dram { get; init; } = new();
    /// <summary>Bits per stored activation / error value (buffers, NoC, DRAM).</summary>
    public int ActivationBits { get; init; } = int.MinValue;
    /// <summary>Bits per input-image element read from DRAM (8-bit pixels).</summary>
    public int ImageBits { get; init; } = int.MinValue;
    public ComponentSpec[] Components { get; init; } = [];
    /// <summary>Source strings for the top-level and crossbar constants, keyed by JSON path.</summary>
    public Dictionary<string, string> Sources { get; init; } = new();

    // ---------- derived ----------
    /// <summary>Crossbar arrays on one chip = tiles × IMAs/tile × arrays/IMA.</summary>
    [JsonIgnore] public long CrossbarsPerChip => (long)Organization.Tiles * Organization.ImasPerTile * Organization.ArraysPerIma;
    [JsonIgnore] public int WeightSlices => (Crossbar.WeightBits + Crossbar.BitsPerCell - 1) / Crossbar.BitsPerCell;
    /// <summary>Crossbar cycles per MVM: the input is streamed ⌈input bits / DAC bits⌉ bits at a time.</summary>
    [JsonIgnore] public int InputCycles => (Crossbar.InputBits + Crossbar.DacBits - 1) / Crossbar.DacBits;
    /// <summary>One crossbar cycle: the longer of the array read and converting all columns with the shared ADCs.</summary>
    [JsonIgnore] public double CycleSeconds => Crossbar.AdcsPerArray == 0
        ? Crossbar.ReadCycleSeconds
        : Math.Max(Crossbar.ReadCycleSeconds, Crossbar.Cols / (Crossbar.AdcsPerArray * Crossbar.AdcSamplesPerSecond));
    /// <summary>Time of one MVM on one crossbar copy.</summary>
    [JsonIgnore] public double MvmSeconds => InputCycles * CycleSeconds;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>Names of the shipped presets.</summary>
    public static IReadOnlyList<string> Presets { get; } = ["isaac", "pipelayer", "deeptrain"];

    /// <summary>Loads a preset by name (case-insensitive) or a JSON file by path, and validates it.</summary>
    public static ArchSpec Load(string presetOrPath)
    {
        if (string.IsNullOrWhiteSpace(presetOrPath)) throw new SpecError("--arch: no preset or file given");
        string key = presetOrPath.Trim().ToLowerInvariant();
        if (Presets.Contains(key))
        {
            using var s = typeof(ArchSpec).Assembly.GetManifestResourceStream($"DeepTrain.Model.Hardware.Presets.{key}.json")
                          ?? throw new InvalidOperationException($"preset resource {key}.json missing from the assembly");
            using var r = new StreamReader(s);
            return Parse(r.ReadToEnd(), key);
        }
        if (!File.Exists(presetOrPath))
            throw new SpecError($"architecture '{presetOrPath}' is neither a preset ({string.Join(", ", Presets)}) nor a file");
        return Parse(File.ReadAllText(presetOrPath), presetOrPath);
    }

    /// <summary>Parses and validates spec JSON; <paramref name="origin"/> names it in error messages.</summary>
    public static ArchSpec Parse(string json, string origin = "spec")
    {
        ArchSpec? spec;
        try { spec = JsonSerializer.Deserialize<ArchSpec>(json, Json); }
        catch (JsonException e)
        {
            string where = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path.TrimStart('$', '.')}";
            throw new SpecError($"{origin}: invalid JSON{where}: {FirstSentence(e.Message)}", e);
        }
        if (spec is null) throw new SpecError($"{origin}: empty spec");
        spec.Validate(origin);
        return spec;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    private static string FirstSentence(string s) { int i = s.IndexOf(". ", StringComparison.Ordinal); return i > 0 ? s[..i] : s; }

    /// <summary>Throws <see cref="SpecError"/> naming the first missing, negative or inconsistent field.</summary>
    public void Validate(string origin = "spec")
    {
        var v = new SpecValidator(origin);
        if (Crossbar is null) throw new SpecError($"{origin}: missing field crossbar");
        if (Organization is null) throw new SpecError($"{origin}: missing field organization");
        if (NormUnits is null) throw new SpecError($"{origin}: missing field normUnits");
        if (Noc is null) throw new SpecError($"{origin}: missing field noc");
        if (Dram is null) throw new SpecError($"{origin}: missing field dram");
        v.Positive("technologyNodeNm", TechnologyNodeNm);
        v.Positive("activationBits", ActivationBits);
        v.Positive("imageBits", ImageBits);
        var c = Crossbar;
        v.Positive("crossbar.rows", c.Rows);
        v.Positive("crossbar.cols", c.Cols);
        v.Positive("crossbar.bitsPerCell", c.BitsPerCell);
        v.Positive("crossbar.weightBits", c.WeightBits);
        v.Positive("crossbar.inputBits", c.InputBits);
        v.Positive("crossbar.dacBits", c.DacBits);
        v.Positive("crossbar.readCycleSeconds", c.ReadCycleSeconds);
        v.NonNegative("crossbar.adcsPerArray", c.AdcsPerArray);
        if (c.AdcsPerArray > 0)
        {
            v.Positive("crossbar.adcBits", c.AdcBits);
            v.Positive("crossbar.adcSamplesPerSecond", c.AdcSamplesPerSecond);
        }
        v.Positive("crossbar.writeLatencySeconds", c.WriteLatencySeconds);
        v.Positive("crossbar.writeEnergyJoules", c.WriteEnergyJoules);
        v.Positive("crossbar.enduranceCycles", c.EnduranceCycles);
        if (c.BitsPerCell > c.WeightBits) v.Fail("crossbar.bitsPerCell", $"({c.BitsPerCell}) exceeds crossbar.weightBits ({c.WeightBits})");
        if (c.DacBits > c.InputBits) v.Fail("crossbar.dacBits", $"({c.DacBits}) exceeds crossbar.inputBits ({c.InputBits})");
        var o = Organization;
        v.Positive("organization.arraysPerIma", o.ArraysPerIma);
        v.Positive("organization.imasPerTile", o.ImasPerTile);
        v.Positive("organization.tiles", o.Tiles);
        var n = NormUnits;
        v.NonNegative("normUnits.count", n.Count);
        if (n.Count > 0)
        {
            v.Positive("normUnits.lanes", n.Lanes);
            v.Positive("normUnits.clockHz", n.ClockHz);
        }
        v.Positive("normUnits.energyPerOpJoules", n.EnergyPerOpJoules);
        v.NonNegative("normUnits.bufferBytes", n.BufferBytes);
        v.Positive("normUnits.opsPerElementForward", n.OpsPerElementForward);
        v.Positive("normUnits.opsPerElementBackward", n.OpsPerElementBackward);
        v.Positive("noc.bandwidthBytesPerSecond", Noc.BandwidthBytesPerSecond);
        v.Positive("noc.energyPerBitJoules", Noc.EnergyPerBitJoules);
        v.Positive("dram.bandwidthBytesPerSecond", Dram.BandwidthBytesPerSecond);
        v.Positive("dram.energyPerBitJoules", Dram.EnergyPerBitJoules);
        if (Components is null || Components.Length == 0) throw new SpecError($"{origin}: missing field components");
        var names = new HashSet<string>();
        for (int i = 0; i < Components.Length; i++)
        {
            var k = Components[i];
            string p = $"components[{i}]";
            if (k is null) throw new SpecError($"{origin}: {p} is null");
            if (string.IsNullOrWhiteSpace(k.Name)) v.Fail($"{p}.name", "is missing");
            p = $"components[{k.Name}]";
            if (!names.Add(k.Name)) v.Fail(p, "is listed twice");
            if (!Estimators.ComponentEstimators.Known(k.Class))
                v.Fail($"{p}.class", $"'{k.Class}' is not one of {string.Join(", ", Estimators.ComponentEstimators.Classes)}");
            if (k.Scope is not ("ima" or "tile" or "chip")) v.Fail($"{p}.scope", $"'{k.Scope}' must be ima, tile or chip");
            v.NonNegative($"{p}.count", k.Count);
            v.Positive($"{p}.sharedBy", k.SharedBy);
            v.NonNegative($"{p}.powerWatts", k.PowerWatts);
            v.NonNegative($"{p}.areaMm2", k.AreaMm2);
            if (string.IsNullOrWhiteSpace(k.Source)) v.Fail($"{p}.source", "is missing (every constant needs a source)");
        }
        if (c.AdcsPerArray > 0 && !Components.Any(k => k.Class == "adc"))
            v.Fail("components", "list no 'adc' component but crossbar.adcsPerArray > 0");
        foreach (var k in Components)
            if (k.Class == "adc" && k.Scope == "ima" && k.Count != (double)c.AdcsPerArray * o.ArraysPerIma)
                v.Fail($"components[{k.Name}].count", $"({k.Count}) disagrees with crossbar.adcsPerArray × organization.arraysPerIma ({c.AdcsPerArray * o.ArraysPerIma})");
        if (n.Count > 0 && !Components.Any(k => k.Class == "normUnit"))
            v.Fail("components", "list no 'normUnit' component but normUnits.count > 0");
    }
}

/// <summary>One ReRAM crossbar array and its converters.</summary>
public sealed record CrossbarSpec
{
    public int Rows { get; init; } = int.MinValue;
    public int Cols { get; init; } = int.MinValue;
    public int BitsPerCell { get; init; } = int.MinValue;
    public int WeightBits { get; init; } = int.MinValue;
    public int InputBits { get; init; } = int.MinValue;
    /// <summary>Bits applied per crossbar cycle (1 = bit-serial inputs; PipeLayer spikes count as 1).</summary>
    public int DacBits { get; init; } = int.MinValue;
    public double ReadCycleSeconds { get; init; } = double.NaN;
    /// <summary>ADCs shared by one array's columns (0 = no ADCs, e.g. PipeLayer's integrate-and-fire outputs).</summary>
    public int AdcsPerArray { get; init; } = int.MinValue;
    public int AdcBits { get; init; }
    public double AdcSamplesPerSecond { get; init; }
    /// <summary>Time to program one row of cells (all columns of an array row in parallel).</summary>
    public double WriteLatencySeconds { get; init; } = double.NaN;
    /// <summary>Energy to program one cell.</summary>
    public double WriteEnergyJoules { get; init; } = double.NaN;
    /// <summary>Write cycles a cell survives.</summary>
    public double EnduranceCycles { get; init; } = double.NaN;
}

/// <summary>Arrays → IMAs (in-situ multiply-accumulate units) → tiles → one chip.</summary>
public sealed record OrganizationSpec
{
    public int ArraysPerIma { get; init; } = int.MinValue;
    public int ImasPerTile { get; init; } = int.MinValue;
    public int Tiles { get; init; } = int.MinValue;
}

/// <summary>Digital batch-normalization units (count 0 = none on chip: normalization goes off-chip over DRAM/IO).</summary>
public sealed record NormUnitSpec
{
    public int Count { get; init; } = int.MinValue;
    /// <summary>Arithmetic lanes per unit (one op per lane per clock).</summary>
    public int Lanes { get; init; }
    public double ClockHz { get; init; }
    public double EnergyPerOpJoules { get; init; } = double.NaN;
    /// <summary>On-chip buffer per unit holding the batch's activations; overflow spills to DRAM.</summary>
    public double BufferBytes { get; init; } = double.NaN;
    public double OpsPerElementForward { get; init; } = double.NaN;
    public double OpsPerElementBackward { get; init; } = double.NaN;
}

/// <summary>On-chip network links between the tiles and the normalization units.</summary>
public sealed record NocSpec
{
    public double BandwidthBytesPerSecond { get; init; } = double.NaN;
    public double EnergyPerBitJoules { get; init; } = double.NaN;
}

/// <summary>Off-chip memory (spill traffic, input images).</summary>
public sealed record DramSpec
{
    public double BandwidthBytesPerSecond { get; init; } = double.NaN;
    public double EnergyPerBitJoules { get; init; } = double.NaN;
}

/// <summary>
/// One row of the component table: <see cref="Count"/> units per <see cref="Scope"/> instance (ima, tile, chip),
/// each drawing <see cref="PowerWatts"/> at peak and occupying <see cref="AreaMm2"/>; a unit shared by
/// <see cref="SharedBy"/> scope instances (ISAAC's router: 4 tiles) counts 1/SharedBy per instance.
/// <see cref="Class"/> selects the estimator (Hardware/Estimators/).
/// </summary>
public sealed record ComponentSpec
{
    public string Name { get; init; } = "";
    public string Class { get; init; } = "";
    public string Scope { get; init; } = "";
    public double Count { get; init; } = double.NaN;
    public double SharedBy { get; init; } = 1;
    public double PowerWatts { get; init; } = double.NaN;
    public double AreaMm2 { get; init; } = double.NaN;
    public string Source { get; init; } = "";
}

internal readonly struct SpecValidator(string origin)
{
    public void Fail(string field, string what) => throw new SpecError($"{origin}: {field} {what}");

    public void Positive(string field, double v)
    {
        if (double.IsNaN(v)) Fail(field, "is missing");
        if (!(v > 0) || double.IsInfinity(v)) Fail(field, $"must be positive, got {v}");
    }

    public void Positive(string field, int v)
    {
        if (v == int.MinValue) Fail(field, "is missing");
        if (v <= 0) Fail(field, $"must be positive, got {v}");
    }

    public void NonNegative(string field, double v)
    {
        if (double.IsNaN(v)) Fail(field, "is missing");
        if (v < 0 || double.IsInfinity(v)) Fail(field, $"must not be negative, got {v}");
    }

    public void NonNegative(string field, int v)
    {
        if (v == int.MinValue) Fail(field, "is missing");
        if (v < 0) Fail(field, $"must not be negative, got {v}");
    }
}
