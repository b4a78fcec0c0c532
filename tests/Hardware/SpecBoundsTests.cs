using System.Text.Json.Nodes;
using DeepTrain.Model;
using DeepTrain.Model.Gpu;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Pipeline;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Launcher;
using DeepTrain.Tests.Workloads;

namespace DeepTrain.Tests.Hardware;

/// <summary>Issue 12 items 5 and 6: every arch-spec field has a documented range, derived counts are bounded, and no
/// estimate carries a negative or non-finite number.</summary>
public sealed class SpecBoundsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"specbounds-{Guid.NewGuid():N}");

    public SpecBoundsTests() => Directory.CreateDirectory(_dir);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Spec(Action<JsonNode> edit)
    {
        var n = JsonNode.Parse(ArchSpec.Load("deeptrain").ToJson())!;
        edit(n);
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, n.ToJsonString());
        return path;
    }

    /// <summary>exit 2, nothing on stdout, one line on stderr naming <paramref name="field"/>, in JSON and text mode.</summary>
    private static void RejectedNaming(string path, string field)
    {
        foreach (var json in new[] { true, false })
        {
            var (code, stdout, err) = json ? CliRunner.Run("estimate", "--net", "resnet20", "--arch", path, "--json")
                                           : CliRunner.Run("estimate", "--net", "resnet20", "--arch", path);
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Single(err.TrimEnd().Split('\n'));
            Assert.Contains(field, err);
        }
    }

    [Fact]
    public void WeightBitsOfInt32MaxIsRejectedNotNegativeCellsPerWeight() =>
        RejectedNaming(Spec(n => n["crossbar"]!["weightBits"] = int.MaxValue), "crossbar.weightBits");

    [Fact]
    public void HugeInputBitsWithTwoBitDacsIsRejectedNotANegativeMvmTime() =>
        RejectedNaming(Spec(n => { n["crossbar"]!["inputBits"] = int.MaxValue; n["crossbar"]!["dacBits"] = 2; }), "crossbar.inputBits");

    [Fact]
    public void TinyAdcSampleRateIsRejectedNamingTheField() =>
        RejectedNaming(Spec(n => n["crossbar"]!["adcSamplesPerSecond"] = 1e-308), "crossbar.adcSamplesPerSecond");

    [Fact]
    public void HugeReadCycleIsRejectedNamingTheField() =>
        RejectedNaming(Spec(n => n["crossbar"]!["readCycleSeconds"] = 1e308), "crossbar.readCycleSeconds");

    [Fact]
    public void TinyDramBandwidthIsRejectedNamingTheField() =>
        RejectedNaming(Spec(n => n["dram"]!["bandwidthBytesPerSecond"] = 1e-308), "dram.bandwidthBytesPerSecond");

    [Fact]
    public void HugeComponentPowerIsRejectedNamingTheComponent() =>
        RejectedNaming(Spec(n => n["components"]![0]!["powerWatts"] = 1e308), "components[adc].powerWatts");

    [Fact]
    public void AChipThatDrawsNoPowerIsRejected() =>
        RejectedNaming(Spec(n => { foreach (var c in n["components"]!.AsArray()) c!["powerWatts"] = 0; }), "peak power");

    [Fact]
    public void MoreAdcsThanColumnsIsRejected() =>
        RejectedNaming(Spec(n => { n["crossbar"]!["adcsPerArray"] = 129; }), "crossbar.adcsPerArray");

    [Fact]
    public void CrossbarsPerChipBeyondTheBoundAreRejected() =>
        RejectedNaming(Spec(n => { n["organization"]!["tiles"] = 1 << 24; n["organization"]!["imasPerTile"] = 1 << 24; }), "organization.tiles");

    private static readonly HashSet<string> IntFields =
    [
        "activationBits", "imageBits", "crossbar.rows", "crossbar.cols", "crossbar.bitsPerCell", "crossbar.weightBits", "crossbar.inputBits",
        "crossbar.dacBits", "crossbar.adcBits", "organization.arraysPerIma", "organization.imasPerTile", "organization.tiles",
        "normUnits.count", "normUnits.lanes",
    ];

    [Fact]
    public void EveryValueAtTheEdgeOfItsRangeIsAccepted()
    {
        foreach (var r in SpecRanges.All.Where(r => !r.Field.StartsWith("components", StringComparison.Ordinal) && r.Field != "crossbar.adcsPerArray"))
        {
            var path = r.Field.Split('.');
            foreach (var v in new[] { r.Min, r.Max })
            {
                if (path[0] == "organization" && v == r.Max) continue; // the product bound (MaxCrossbarsPerChip) applies
                var n = JsonNode.Parse(ArchSpec.Load("deeptrain").ToJson())!;
                var cb = n["crossbar"]!;
                // Keep the cross-field rules: bits per cell ≤ weight bits, DAC bits ≤ input bits.
                if (r.Field == "crossbar.weightBits") cb["bitsPerCell"] = 1;
                if (r.Field == "crossbar.inputBits") cb["dacBits"] = 1;
                if (r.Field == "crossbar.bitsPerCell") cb["weightBits"] = 64;
                if (r.Field == "crossbar.dacBits") cb["inputBits"] = 64;
                JsonNode o = n;
                foreach (var p in path[..^1]) o = o[p]!;
                bool integer = IntFields.Contains(r.Field);
                o[path[^1]] = integer ? JsonValue.Create((long)v) : JsonValue.Create(v);
                if (r.Field == "organization.arraysPerIma")
                    foreach (var c in n["components"]!.AsArray()) if ((string?)c!["class"] == "adc") c["count"] = v;
                var spec = ArchSpec.Parse(n.ToJsonString(), r.Field);
                Assert.True(new TrainingPipeline(Zoo.Resolve("resnet20"), spec, 64).Update.Seconds > 0, r.Field);
            }
        }
    }

    [Fact]
    public void ANetworkNeedingMoreThanTheModelledChipsIsRejected()
    {
        var tiny = ArchSpec.Parse(JsonNode.Parse(ArchSpec.Load("isaac").ToJson())!.Also(n =>
        {
            n["organization"]!["tiles"] = 1; n["organization"]!["imasPerTile"] = 1; n["organization"]!["arraysPerIma"] = 1;
            n["crossbar"]!["rows"] = 1; n["crossbar"]!["cols"] = 1;
            foreach (var c in n["components"]!.AsArray()) if ((string?)c!["class"] == "adc") c["count"] = 1;
        }).ToJsonString());
        var net = Zoo.Resolve("vgg19");
        var e = Assert.Throws<SpecError>(() => new TrainingPipeline(net, tiny, 8));
        Assert.Contains("chips", e.Message);
        Assert.Contains("organization.tiles", e.Message);
    }

    [Fact]
    public void PresetsPassThePipelineGuardOnTheZoo()
    {
        foreach (var arch in ArchSpec.Presets)
            foreach (var net in new[] { "resnet20", "resnet50", "vgg16" })
                Assert.True(new TrainingPipeline(Zoo.Resolve(net), ArchSpec.Load(arch), 64).Update.Seconds > 0);
    }

    [Fact]
    public void EveryRangeIsDocumentedInModelMd()
    {
        string doc = File.ReadAllText(Path.Combine(NetworkJsonTests.RepoRoot(), "docs", "MODEL.md"));
        foreach (var r in SpecRanges.All) Assert.Contains($"| `{r.Field}` |", doc);
    }

    [Theory]
    [InlineData("tdpWatts", "1e308")]
    [InlineData("memoryBandwidthBytesPerSecond", "1e-308")]
    [InlineData("peakFp32Flops", "1e400")]
    [InlineData("kernelOverheadSeconds", "1e10")]
    public void GpuSpecValuesOutsideTheirRangeAreRejectedNamingTheField(string field, string raw)
    {
        var n = JsonNode.Parse(File.ReadAllText(Path.Combine(NetworkJsonTests.RepoRoot(), "src", "Model", "Gpu", "Presets", "v100.json")))!;
        n[field]!["value"] = "@@";
        string json = n.ToJsonString().Replace("\"@@\"", raw);
        var e = Assert.Throws<SpecError>(() => GpuSpec.Parse(json, "g.json"));
        Assert.Contains($"'{field}'", e.Message);
    }
}

internal static class JsonNodeExtensions
{
    public static JsonNode Also(this JsonNode n, Action<JsonNode> edit) { edit(n); return n; }
}
