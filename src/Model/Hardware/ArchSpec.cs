using System.Globalization;
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

    private static string FirstSentence(string s)
    {
        int i = s.IndexOf(". ", StringComparison.Ordinal);
        return (i > 0 ? s[..i] : s).ReplaceLineEndings(" ");
    }

    /// <summary>Throws <see cref="SpecError"/> naming the first missing, negative or inconsistent field.</summary>
    public void Validate(string origin = "spec")
    {
        var v = new SpecValidator(origin);
        if (Crossbar is null) throw new SpecError($"{origin}: missing field crossbar");
        if (Organization is null) throw new SpecError($"{origin}: missing field organization");
        if (NormUnits is null) throw new SpecError($"{origin}: missing field normUnits");
        if (Noc is null) throw new SpecError($"{origin}: missing field noc");
        if (Dram is null) throw new SpecError($"{origin}: missing field dram");
        v.In(SpecRanges.TechnologyNodeNm, TechnologyNodeNm);
        v.In(SpecRanges.ActivationBits, ActivationBits);
        v.In(SpecRanges.ImageBits, ImageBits);
        var c = Crossbar;
        v.In(SpecRanges.Rows, c.Rows);
        v.In(SpecRanges.Cols, c.Cols);
        v.In(SpecRanges.BitsPerCell, c.BitsPerCell);
        v.In(SpecRanges.WeightBits, c.WeightBits);
        v.In(SpecRanges.InputBits, c.InputBits);
        v.In(SpecRanges.DacBits, c.DacBits);
        v.In(SpecRanges.ReadCycleSeconds, c.ReadCycleSeconds);
        v.In(SpecRanges.AdcsPerArray, c.AdcsPerArray);
        if (c.AdcsPerArray > c.Cols) v.Fail("crossbar.adcsPerArray", $"({c.AdcsPerArray}) exceeds crossbar.cols ({c.Cols}): at most one ADC per column");
        if (c.AdcsPerArray > 0)
        {
            v.In(SpecRanges.AdcBits, c.AdcBits);
            v.In(SpecRanges.AdcSamplesPerSecond, c.AdcSamplesPerSecond);
        }
        v.In(SpecRanges.WriteLatencySeconds, c.WriteLatencySeconds);
        v.In(SpecRanges.WriteEnergyJoules, c.WriteEnergyJoules);
        v.In(SpecRanges.EnduranceCycles, c.EnduranceCycles);
        if (c.BitsPerCell > c.WeightBits) v.Fail("crossbar.bitsPerCell", $"({c.BitsPerCell}) exceeds crossbar.weightBits ({c.WeightBits})");
        if (c.DacBits > c.InputBits) v.Fail("crossbar.dacBits", $"({c.DacBits}) exceeds crossbar.inputBits ({c.InputBits})");
        var o = Organization;
        v.In(SpecRanges.ArraysPerIma, o.ArraysPerIma);
        v.In(SpecRanges.ImasPerTile, o.ImasPerTile);
        v.In(SpecRanges.Tiles, o.Tiles);
        if (CrossbarsPerChip > SpecRanges.MaxCrossbarsPerChip)
            v.Fail("organization.tiles", $"× imasPerTile × arraysPerIma = {CrossbarsPerChip} crossbars per chip exceeds the modelled maximum {SpecRanges.MaxCrossbarsPerChip} (docs/MODEL.md, accepted ranges)");
        var n = NormUnits;
        v.In(SpecRanges.NormUnitCount, n.Count);
        if (n.Count > 0)
        {
            v.In(SpecRanges.NormUnitLanes, n.Lanes);
            v.In(SpecRanges.NormUnitClockHz, n.ClockHz);
        }
        v.In(SpecRanges.EnergyPerOpJoules, n.EnergyPerOpJoules);
        v.In(SpecRanges.BufferBytes, n.BufferBytes);
        v.In(SpecRanges.OpsPerElement, n.OpsPerElementForward);
        v.In(SpecRanges.OpsPerElementBackward, n.OpsPerElementBackward);
        v.In(SpecRanges.NocBandwidth, Noc.BandwidthBytesPerSecond);
        v.In(SpecRanges.NocEnergyPerBit, Noc.EnergyPerBitJoules);
        v.In(SpecRanges.DramBandwidth, Dram.BandwidthBytesPerSecond);
        v.In(SpecRanges.DramEnergyPerBit, Dram.EnergyPerBitJoules);
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
            v.In(SpecRanges.ComponentCount, k.Count, $"{p}.count");
            v.In(SpecRanges.ComponentSharedBy, k.SharedBy, $"{p}.sharedBy");
            v.In(SpecRanges.ComponentPowerWatts, k.PowerWatts, $"{p}.powerWatts");
            v.In(SpecRanges.ComponentAreaMm2, k.AreaMm2, $"{p}.areaMm2");
            if (string.IsNullOrWhiteSpace(k.Source)) v.Fail($"{p}.source", "is missing (every constant needs a source)");
        }
        if (c.AdcsPerArray > 0 && !Components.Any(k => k.Class == "adc"))
            v.Fail("components", "list no 'adc' component but crossbar.adcsPerArray > 0");
        foreach (var k in Components)
            if (k.Class == "adc" && k.Scope == "ima" && k.Count != (double)c.AdcsPerArray * o.ArraysPerIma)
                v.Fail($"components[{k.Name}].count", $"({k.Count}) disagrees with crossbar.adcsPerArray × organization.arraysPerIma ({c.AdcsPerArray * o.ArraysPerIma})");
        if (n.Count > 0 && !Components.Any(k => k.Class == "normUnit"))
            v.Fail("components", "list no 'normUnit' component but normUnits.count > 0");
        CheckDerived(v);
    }

    /// <summary>Derived chip figures must be finite; the weight update divides by the chip's peak power (it is
    /// power-bounded, docs/MODEL.md), so at least one component must draw power.</summary>
    private void CheckDerived(SpecValidator v)
    {
        var t = new ArchTotals(this);
        if (!double.IsFinite(t.AreaMm2) || t.AreaMm2 < 0) v.Fail("components", $"give a chip area of {t.AreaMm2} mm², which is not a finite non-negative number");
        if (!double.IsFinite(t.PeakPowerWatts) || !(t.PeakPowerWatts > 0))
            v.Fail("components", $"give a chip peak power of {t.PeakPowerWatts} W; it must be positive and finite (the weight update is bounded by it)");
        if (!double.IsFinite(t.EnergyPerArrayCycleJoules) || t.EnergyPerArrayCycleJoules < 0)
            v.Fail("components", $"give an energy per array cycle of {t.EnergyPerArrayCycleJoules} J, which is not finite");
        if (!double.IsFinite(MvmSeconds) || !(MvmSeconds > 0))
            v.Fail("crossbar.readCycleSeconds", $"and the ADC rate give an MVM time of {MvmSeconds} s, which is not a positive finite number");
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

    /// <summary>Missing (NaN / int.MinValue), non-finite or outside <paramref name="r"/> → SpecError naming the field.</summary>
    public void In(SpecRange r, double v, string? field = null)
    {
        field ??= r.Field;
        if (double.IsNaN(v)) Fail(field, "is missing");
        if (!r.Contains(v)) Fail(field, string.Create(CultureInfo.InvariantCulture, $"must be between {r.Min:G} and {r.Max:G} ({r.Reason}), got {v:G}"));
    }

    public void In(SpecRange r, int v, string? field = null)
    {
        field ??= r.Field;
        if (v == int.MinValue) Fail(field, "is missing");
        if (!r.Contains(v)) Fail(field, string.Create(CultureInfo.InvariantCulture, $"must be between {r.Min:G} and {r.Max:G} ({r.Reason}), got {v}"));
    }
}
