using System.Text.Json;
using DeepTrain.Model.Workloads;
using DeepTrain.Model.Workloads.Onnx;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Workloads;

/// <summary>`--net model.onnx` through the commands, and `zoo --export`.</summary>
public sealed class OnnxCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "deeptrain-onnx-cli-" + Guid.NewGuid().ToString("N"));

    public OnnxCommandTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    [Theory]
    [InlineData("resnet20", "all")]
    [InlineData("resnet50", "every:4")]
    [InlineData("vgg11", "none")]
    public void ZooExportedToOnnxEstimatesExactlyAsTheZooNetwork(string name, string norm)
    {
        string file = Path.Combine(_dir, name + ".onnx");
        var (code, o, e) = CliRunner.Run("zoo", "--export", name, "--format", "onnx", "--out", file);
        Assert.True(code == 0, e);
        Assert.Equal("", o);
        Assert.True(File.Exists(file));

        var (c1, zoo, e1) = CliRunner.Run("estimate", "--net", name, "--norm", norm, "--json");
        var (c2, onnx, e2) = CliRunner.Run("estimate", "--net", file, "--norm", norm, "--json");
        Assert.True(c1 == 0 && c2 == 0, e1 + e2);
        var a = Json(zoo); var b = Json(onnx);
        foreach (var p in a.EnumerateObject())
        {
            if (p.Name == "network") continue;
            Assert.Equal(p.Value.GetRawText(), b.GetProperty(p.Name).GetRawText());
        }
        Assert.Equal(name, b.GetProperty("network").GetString());
    }

    [Fact]
    public void FoldedBatchNormWarningGoesToStderrAndJsonStaysOneDocument()
    {
        var (code, o, e) = CliRunner.Run("estimate", "--net", OnnxImportTests.Fixture("tiny_nobn.onnx"), "--json");
        Assert.True(code == 0, e);
        Assert.Equal(2, Json(o).GetProperty("mask").GetString()!.Length);
        var lines = e.TrimEnd().Split('\n');
        var w = Assert.Single(lines);
        Assert.StartsWith("warning: ", w);
        Assert.Contains("BatchNormalization", w);
    }

    [Fact]
    public void UnsupportedOperatorIsOneLineAndExitCode2()
    {
        var bytes = OnnxExport.Write(Zoo.Get("plain8"));
        int at = bytes.AsSpan().IndexOf("GlobalAveragePool"u8);
        "GlobalLpPoolXXXXX"u8.CopyTo(bytes.AsSpan(at));
        string file = Path.Combine(_dir, "bad.onnx");
        File.WriteAllBytes(file, bytes);
        var (code, o, e) = CliRunner.Run("estimate", "--net", file);
        Assert.Equal(2, code);
        Assert.Equal("", o);
        Assert.Single(e.TrimEnd().Split('\n'));
        Assert.Contains("has op type 'GlobalLpPoolXXXXX'", e);
        Assert.Matches(@"node #\d+ '", e);
    }

    [Fact]
    public void ZooExportJsonGoesToStdoutAndParsesBack()
    {
        var (code, o, e) = CliRunner.Run("zoo", "--export", "resnet18-cifar10");
        Assert.True(code == 0, e);
        var back = NetworkJson.Parse(o);
        OnnxImportTests.AssertSameStructure(Zoo.Get("resnet18-cifar10"), back);
    }

    [Fact]
    public void ZooExportRejectsAnUnknownFormat()
    {
        var (code, _, e) = CliRunner.Run("zoo", "--export", "resnet20", "--format", "pb");
        Assert.Equal(2, code);
        Assert.Contains("--format must be json or onnx", e);
    }

    [Fact]
    public void TrainTakesAnOnnxNetwork()
    {
        var (code, o, e) = CliRunner.Run("train", "--net", OnnxImportTests.Fixture("tiny_residual.onnx"), "--epochs", "1",
                                         "--train-images", "64", "--test-images", "32", "--batch", "32", "--threads", "1", "--json");
        Assert.True(code == 0, e);
        Assert.InRange(Json(o).GetProperty("accuracy").GetDouble(), 0, 100);
    }

    [Fact]
    public void SweepSpecsNameOnnxFiles()
    {
        string spec = Path.Combine(_dir, "spec.json"), csv = Path.Combine(_dir, "rows.csv");
        string net = OnnxImportTests.Fixture("resnet20_cifar.onnx");
        File.WriteAllText(spec, $$"""{ "networks": [{{JsonSerializer.Serialize(net)}}, "resnet20"], "archs": ["deeptrain"], "batchSizes": [64], "sitePolicies": ["all", "none"] }""");
        var (code, _, e) = CliRunner.Run("sweep", spec, "--out", csv, "--quiet");
        Assert.True(code == 0, e);
        var rows = File.ReadAllLines(csv);
        Assert.Equal(5, rows.Length); // header + 2 networks × 2 policies
        // The imported file and the zoo network give the same figures row for row, apart from the name.
        var onnx = rows.Skip(1).Where(r => r.Contains("resnet20_cifar")).Select(r => WithoutIndex(r.Replace(net, "X").Replace("resnet20_cifar", "X"))).ToArray();
        var zoo = rows.Skip(1).Where(r => !r.Contains("resnet20_cifar")).Select(r => WithoutIndex(r.Replace("resnet20", "X"))).ToArray();
        Assert.Equal(2, onnx.Length);
        Assert.Equal(zoo, onnx);
    }

    private static string WithoutIndex(string row) => row[(row.IndexOf(',') + 1)..]; // column 0 numbers the rows
}
