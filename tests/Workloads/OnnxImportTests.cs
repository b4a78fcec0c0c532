using DeepTrain.Model;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;
using DeepTrain.Model.Workloads.Onnx;
using DeepTrain.Tests.Training;

namespace DeepTrain.Tests.Workloads;

/// <summary>
/// ONNX import. The committed fixtures in tests/Fixtures/onnx were exported from PyTorch 1.13 (Debian python3-torch)
/// by tests/Fixtures/onnx/make_fixtures.py, shapes only; the torchvision ResNet-50 and VGG-16-BN exports with weights
/// are made by the [TorchFact] tests, which are skipped (visibly) without torch.
/// </summary>
public class OnnxImportTests
{
    internal static string Fixture(string name) => PyTorch.RepoFile(Path.Combine("tests", "Fixtures", "onnx", name));

    /// <summary>Same layers (kind, shapes, kernel, stride, padding, groups, bias, inputs) and sites as <paramref name="zoo"/>.</summary>
    internal static void AssertSameStructure(Network zoo, Network imported)
    {
        Assert.Equal(zoo.InputShape, imported.InputShape);
        Assert.Equal(zoo.Classes, imported.Classes);
        Assert.Equal(zoo.Layers.Count, imported.Layers.Count);
        for (int i = 0; i < zoo.Layers.Count; i++)
        {
            Layer a = zoo.Layers[i], b = imported.Layers[i];
            string at = $"layer #{i} ({a.Name} vs {b.Name})";
            Assert.True(a.Kind == b.Kind, $"{at}: {a.Kind} vs {b.Kind}");
            Assert.True(a.Input == b.Input && a.Output == b.Output, $"{at}: {a.Input}->{a.Output} vs {b.Input}->{b.Output}");
            Assert.True(a.KernelHeight == b.KernelHeight && a.KernelWidth == b.KernelWidth && a.Stride == b.Stride
                        && a.Padding == b.Padding && a.Groups == b.Groups && a.HasBias == b.HasBias, at);
            Assert.True(a.Inputs.SequenceEqual(b.Inputs), $"{at}: inputs [{string.Join(",", a.Inputs)}] vs [{string.Join(",", b.Inputs)}]");
        }
        Assert.Equal(zoo.Sites.Select(s => (s.LayerIndex, s.Shape)), imported.Sites.Select(s => (s.LayerIndex, s.Shape)));
        Assert.Equal(zoo.ReferenceHasNormalization, imported.ReferenceHasNormalization);
        Assert.Equal(zoo.Parameters, imported.Parameters);
        Assert.Equal(zoo.Macs, imported.Macs);
    }

    [Theory]
    [InlineData("resnet18.onnx", "resnet18")]
    [InlineData("resnet20_cifar.onnx", "resnet20")]
    [InlineData("vgg11.onnx", "vgg11")]
    [InlineData("vgg11_bn.onnx", "vgg11_bn")]
    public void TorchExportsImportToTheZooDefinition(string file, string zooName)
    {
        var net = Zoo.Resolve(Fixture(file));
        AssertSameStructure(Zoo.Get(zooName), net);
    }

    [Fact]
    public void ResNet18ExportHasTheTorchvisionCounts()
    {
        var net = Zoo.Resolve(Fixture("resnet18.onnx"));
        Assert.Equal(11_689_512, net.Parameters); // sum(p.numel()) of torchvision.models.resnet18()
        Assert.Equal(20, net.SiteCount);
        Assert.Equal("imagenet", net.InputKind);
    }

    [Fact]
    public void EveryBatchNormNodeIsASiteOnTheConvItFollows()
    {
        var net = OnnxImport.Load(Fixture("tiny_residual.onnx"));
        Assert.Equal(4, net.SiteCount);
        Assert.All(net.Sites, s => Assert.Equal(LayerKind.Convolution, net.Layers[s.LayerIndex].Kind));
        Assert.Equal([8, 16, 16, 16], net.Sites.Select(s => s.Shape.Channels));
        Assert.True(net.ReferenceHasNormalization);
        // conv 3·8·9, conv 8·16·9, conv 16·16·9, 1×1 projection 8·16, fc 16·10+10, plus γ/β of 8+16+16+16 channels.
        Assert.Equal(216 + 1152 + 2304 + 128 + 170 + 2 * 56, net.Parameters);
        var add = Assert.Single(net.Layers, l => l.Kind == LayerKind.Add);
        Assert.Equal(new Shape(16, 8, 8), add.Output);
    }

    [Fact]
    public void ConcatGroupsAndComputedReshapeImport()
    {
        var net = OnnxImport.Load(Fixture("tiny_concat.onnx"));
        var concat = Assert.Single(net.Layers, l => l.Kind == LayerKind.Concat);
        Assert.Equal(new Shape(16, 8, 8), concat.Output);
        Assert.Equal(2, concat.Inputs.Length);
        Assert.Contains(net.Layers, l => l.Kind == LayerKind.Convolution && l.Groups == 2);
        Assert.Contains(net.Layers, l => l.Kind == LayerKind.Dropout);
        Assert.Equal(3, net.SiteCount);
        Assert.Equal(5, net.Classes);
        // 4·6, (4/2)·9·10, 16·9·8 weights; fc 128·5+5; γ/β of 6+10+8.
        Assert.Equal(24 + 180 + 1152 + 645 + 2 * 24, net.Parameters);
    }

    [Fact]
    public void WithoutBatchNormEveryConvIsACandidateSiteAndTheImportWarnsOfFoldedBn()
    {
        var r = OnnxImport.Read(Fixture("tiny_nobn.onnx"));
        Assert.Equal(2, r.Network.SiteCount);
        Assert.False(r.Network.ReferenceHasNormalization);
        Assert.All(r.Network.Sites, s => Assert.Equal(LayerKind.Convolution, r.Network.Layers[s.LayerIndex].Kind));
        var w = Assert.Single(r.Warnings);
        Assert.Contains("2 Conv nodes have a bias", w);
        Assert.DoesNotContain('\n', w);
        Assert.Empty(OnnxImport.Read(Fixture("tiny_nobn.onnx"), OnnxSiteRule.BatchNorm).Network.Sites);
    }

    [Fact]
    public void FilesWithBatchNormDoNotWarn() =>
        Assert.Empty(OnnxImport.Read(Fixture("resnet20_cifar.onnx")).Warnings);

    [Fact]
    public void ConvsRuleAddsASiteAfterEveryConvolution()
    {
        var net = OnnxImport.Load(Fixture("vgg11_bn.onnx"), OnnxSiteRule.Convs);
        Assert.Equal(8, net.SiteCount);
        Assert.True(net.ReferenceHasNormalization);
    }

    [Fact]
    public void UnsupportedOpNamesTheNodeItsOpTypeAndIndex()
    {
        var bytes = OnnxExport.Write(Zoo.Get("plain8"));
        var patched = ReplaceOnce(bytes, "Relu"u8.ToArray(), "Rel8"u8.ToArray()); // a made-up operator, same length
        var e = Assert.Throws<WorkloadError>(() => OnnxImport.Parse(patched, "bad.onnx", "bad"));
        Assert.Matches(@"^bad\.onnx: node #\d+ '[^']+' has op type 'Rel8', which DeepTrain does not import", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void DilatedConvolutionIsRejected()
    {
        var e = Assert.Throws<WorkloadError>(() => OnnxImport.Parse(OnnxExport.Write(Zoo.Get("plain8"), dilation: 2, externalData: null), "d.onnx", "d"));
        Assert.Contains("dilation", e.Message);
        Assert.Contains("(Conv)", e.Message);
    }

    [Fact]
    public void GarbageIsAOneLineWorkloadError()
    {
        var e = Assert.Throws<WorkloadError>(() => OnnxImport.Parse([0xff, 0xff, 0xff, 0x01, 0x02], "junk.onnx", "junk"));
        Assert.StartsWith("junk.onnx: not an ONNX model", e.Message);
        var missing = Assert.Throws<WorkloadError>(() => Zoo.Resolve("/nonexistent/model.onnx"));
        Assert.Contains("cannot read ONNX file", missing.Message);
    }

    [Theory]
    [InlineData("resnet20")]
    [InlineData("resnet18-cifar10")]
    [InlineData("resnet50")]
    [InlineData("vgg16_bn")]
    [InlineData("vgg11")]
    [InlineData("plain20w32-cifar100")]
    public void ZooExportRoundTripsWithShapesOnly(string name)
    {
        var zoo = Zoo.Get(name);
        var bytes = OnnxExport.Write(zoo);
        Assert.True(bytes.Length < 64 * 1024, $"{bytes.Length} bytes"); // no weight data, only dims
        AssertSameStructure(zoo, OnnxImport.Parse(bytes, name + ".onnx", name).Network);
    }

    [Fact]
    public void ExternalDataReferencesAreNeverOpened()
    {
        var zoo = Zoo.Get("resnet18");
        var bytes = OnnxExport.Write(zoo, dilation: 1, externalData: "weights-that-do-not-exist.bin");
        AssertSameStructure(zoo, OnnxImport.Parse(bytes, "ext.onnx", "ext").Network);
    }

    /// <summary>The issue's check: torchvision ResNet-50, exported with weights in training mode, imported.</summary>
    [TorchFact]
    public void TorchvisionResNet50ExportMatchesTheZooResNet50Estimate()
    {
        string file = Export("resnet50", weights: true);
        Network net;
        try
        {
            Assert.True(new FileInfo(file).Length > 90_000_000, "the export carries the weights (~100 MB of float32)");
            net = Zoo.Resolve(file);
        }
        finally { File.Delete(file); }
        Assert.Equal(25_557_032, net.Parameters);
        Assert.Equal(4_089_184_256, net.Macs);
        Assert.Equal(53, net.SiteCount);
        var zoo = Zoo.Get("resnet50");
        AssertSameStructure(zoo, net);
        foreach (string arch in new[] { "deeptrain", "isaac" })
        {
            var spec = ArchSpec.Load(arch);
            var mask = NormPlacement.Parse("every:3", 53);
            var a = new ScalarEvaluator(ModelTables.Build(zoo, spec, 64)).Evaluate(mask);
            var b = new ScalarEvaluator(ModelTables.Build(net, spec, 64)).Evaluate(mask);
            AssertClose(a.TimePerBatchSeconds, b.TimePerBatchSeconds);
            AssertClose(a.EnergyPerImageJoules, b.EnergyPerImageJoules);
            AssertClose(a.AreaMm2, b.AreaMm2);
        }
    }

    [TorchFact]
    public void TorchvisionVgg16BnExportMatchesTheZoo()
    {
        string file = Export("vgg16_bn", weights: false);
        Network net;
        try { net = Zoo.Resolve(file); }
        finally { File.Delete(file); }
        Assert.Equal(138_365_992, net.Parameters); // sum(p.numel()) of torchvision.models.vgg16_bn()
        AssertSameStructure(Zoo.Get("vgg16_bn"), net);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"{expected:R} vs {actual:R}");

    private static string Export(string model, bool weights)
    {
        string path = Path.Combine(Path.GetTempPath(), $"deeptrain-onnx-{Environment.ProcessId}-{model}.onnx");
        var args = new List<string> { PyTorch.RepoFile("examples/pytorch/export_onnx.py"), model, path };
        if (!weights) args.Add("--shapes-only");
        var (code, _, err) = PyTorch.Run(args, TimeSpan.FromMinutes(5));
        Assert.True(code == 0, err);
        return path;
    }

    private static byte[] ReplaceOnce(byte[] haystack, byte[] needle, byte[] with)
    {
        int at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0);
        var copy = (byte[])haystack.Clone();
        with.CopyTo(copy.AsSpan(at));
        return copy;
    }
}
