using System.Text.Json.Nodes;
using DeepTrain.Model;
using DeepTrain.Model.Hardware;

namespace DeepTrain.Tests.Hardware;

public class ArchSpecTests
{
    private static string PresetJson(string name) => ArchSpec.Load(name).ToJson();

    private static SpecError Broken(Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(PresetJson("deeptrain"))!.AsObject();
        edit(node);
        return Assert.Throws<SpecError>(() => ArchSpec.Parse(node.ToJsonString(), "test.json"));
    }

    [Theory]
    [InlineData("isaac")]
    [InlineData("pipelayer")]
    [InlineData("deeptrain")]
    [InlineData("DeepTrain")]
    public void PresetsLoadAndValidate(string name)
    {
        var s = ArchSpec.Load(name);
        Assert.True(s.CrossbarsPerChip > 0);
        Assert.All(s.Components, c => Assert.False(string.IsNullOrWhiteSpace(c.Source)));
    }

    [Fact]
    public void RoundTripsThroughJson()
    {
        var s = ArchSpec.Load("deeptrain");
        var t = ArchSpec.Parse(s.ToJson());
        Assert.Equal(new ArchTotals(s).AreaMm2, new ArchTotals(t).AreaMm2, 12);
    }

    [Fact]
    public void MissingFieldIsNamed() =>
        Assert.Contains("crossbar.rows is missing", Broken(n => n["crossbar"]!.AsObject().Remove("rows")).Message);

    [Fact]
    public void NegativeFieldIsNamed() =>
        Assert.Contains("dram.bandwidthBytesPerSecond must be between", Broken(n => n["dram"]!["bandwidthBytesPerSecond"] = -1).Message);

    [Fact]
    public void InconsistentCellBitsAreNamed() =>
        Assert.Contains("crossbar.bitsPerCell", Broken(n => n["crossbar"]!["bitsPerCell"] = 32).Message);

    [Fact]
    public void AdcCountMustMatchArraysPerIma() =>
        Assert.Contains("components[adc].count", Broken(n => n["organization"]!["arraysPerIma"] = 4).Message);

    [Fact]
    public void ComponentWithoutSourceIsRejected() =>
        Assert.Contains("components[bus].source", Broken(n => n["components"]![8]!["source"] = "").Message);

    [Fact]
    public void UnknownComponentClassIsNamed() =>
        Assert.Contains("components[bus].class", Broken(n => n["components"]![8]!["class"] = "warpDrive").Message);

    [Fact]
    public void UnknownFieldIsRejected() =>
        Assert.Contains("crossbar", Broken(n => n["crossbar"]!["rowz"] = 3).Message);

    [Fact]
    public void NormUnitsNeedLanesWhenPresent() =>
        Assert.Contains("normUnits.lanes", Broken(n => n["normUnits"]!["lanes"] = 0).Message);

    [Fact]
    public void UnknownPresetOrFileIsOneClearError()
    {
        var e = Assert.Throws<SpecError>(() => ArchSpec.Load("nosuchchip"));
        Assert.Contains("nosuchchip", e.Message);
        Assert.Contains("isaac", e.Message);
    }

    [Fact]
    public void BadJsonIsSpecError() => Assert.Throws<SpecError>(() => ArchSpec.Parse("{ \"crossbar\": { \"rows\": \"many\" } }"));

    [Fact]
    public void LoadsAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"arch-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, PresetJson("isaac"));
        try { Assert.Equal(16128, ArchSpec.Load(path).CrossbarsPerChip); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void IsaacCycleIsBoundByReadAndAdc()
    {
        var s = ArchSpec.Load("isaac");
        Assert.Equal(100e-9, s.CycleSeconds, 15);
        Assert.Equal(16, s.InputCycles);
        Assert.Equal(8, s.WeightSlices);
        // Halve the ADC rate: converting 128 columns now takes 200 ns and bounds the cycle.
        var slow = s with { Crossbar = s.Crossbar with { AdcSamplesPerSecond = 0.64e9 } };
        Assert.Equal(200e-9, slow.CycleSeconds, 15);
    }
}

public class PresetSourceTests
{
    [Theory]
    [InlineData("isaac")]
    [InlineData("pipelayer")]
    [InlineData("deeptrain")]
    public void EveryNumericConstantOfAPresetHasASource(string name)
    {
        var spec = ArchSpec.Load(name);
        var node = System.Text.Json.Nodes.JsonNode.Parse(spec.ToJson())!.AsObject();
        var missing = new List<string>();
        foreach (var (k, v) in node)
        {
            if (k == "sources" || k == "components") continue;
            if (v is System.Text.Json.Nodes.JsonValue && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && !spec.Sources.ContainsKey(k)) missing.Add(k);
            if (v is System.Text.Json.Nodes.JsonObject o)
                foreach (var (kk, vv) in o)
                    if (vv is not null && vv.GetValueKind() == System.Text.Json.JsonValueKind.Number && !spec.Sources.ContainsKey($"{k}.{kk}")) missing.Add($"{k}.{kk}");
        }
        Assert.Empty(missing);
    }
}
