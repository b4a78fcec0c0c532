using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Workloads;

public class NetworkBuilderTests
{
    private static NetworkBuilder Cifar() => new("t", "cifar", 10, new Shape(3, 32, 32));

    [Theory]
    // (in, kernel, stride, padding) → ⌊(in + 2p − k)/s⌋ + 1, as torch.nn.Conv2d
    [InlineData(224, 7, 2, 3, 112)]
    [InlineData(32, 3, 2, 1, 16)]
    [InlineData(33, 3, 2, 1, 17)]
    [InlineData(56, 1, 2, 0, 28)]
    [InlineData(5, 5, 1, 0, 1)]
    public void ConvolutionOutputSizeFollowsPyTorch(int size, int k, int s, int p, int expected)
    {
        var b = new NetworkBuilder("t", "x", 4, new Shape(8, size, size));
        int c = b.Conv("c", 4, k, s, p, groups: 2);
        Assert.Equal(new Shape(4, expected, expected), b.OutputOf(c));
    }

    [Fact]
    public void GroupedConvolutionCountsFanInPerGroup()
    {
        var b = new NetworkBuilder("t", "x", 10, new Shape(32, 8, 8));
        b.Conv("dw", 32, 3, 1, 1, groups: 32, bias: true);
        b.GlobalAvgPool("gap"); b.Flatten("f"); b.Linear("fc", 10);
        var n = b.Build();
        Assert.Equal(9, n.Layers[0].FanIn);
        Assert.Equal(32 * 9 + 32 + 32 * 10 + 10, n.LayerParameters);
        Assert.Equal(32L * 9 * 64 + 320, n.Macs);
    }

    [Fact]
    public void MaxPoolAndConcatShapes()
    {
        var b = new NetworkBuilder("t", "x", 10, new Shape(3, 224, 224));
        int c = b.Conv("c", 64, 7, 2, 3);
        int p = b.MaxPool("p", 3, 2, 1);
        Assert.Equal(new Shape(64, 56, 56), b.OutputOf(p));
        int q = b.Conv("q", 32, 1, 2, 0, from: c);
        int cat = b.Concat("cat", p, q);
        Assert.Equal(new Shape(96, 56, 56), b.OutputOf(cat));
    }

    [Fact]
    public void OptionAShortcutIsAnAddWithASmallerWiderSecondInput()
    {
        var n = Zoo.Get("resnet20");
        var adds = n.Layers.Where(l => l.Kind == LayerKind.Add).ToList();
        Assert.Equal(9, adds.Count);
        var strided = adds.Where(a => a.Stride == 2).ToList();
        Assert.Equal(2, strided.Count);
        foreach (var a in strided)
        {
            var shortcut = n.Layers[a.Inputs[1]].Output;
            Assert.Equal(a.Output.Channels / 2, shortcut.Channels);
            Assert.Equal(a.Output.Height * 2, shortcut.Height);
        }
        Assert.DoesNotContain(n.Layers, l => l.Kind == LayerKind.Convolution && l.KernelHeight == 1);
    }

    [Fact]
    public void SitesFollowConvolutionsInLayerOrder()
    {
        foreach (var name in Zoo.Names)
        {
            var n = Zoo.Get(name);
            int convs = n.Layers.Count(l => l.Kind == LayerKind.Convolution);
            Assert.Equal(convs, n.SiteCount);
            for (int s = 0; s < n.SiteCount; s++)
            {
                Assert.Equal(s, n.Sites[s].Index);
                Assert.Equal(LayerKind.Convolution, n.Layers[n.Sites[s].LayerIndex].Kind);
                if (s > 0) Assert.True(n.Sites[s].LayerIndex > n.Sites[s - 1].LayerIndex);
            }
        }
    }

    [Fact]
    public void PlainDepthStridesAtOneThirdAndTwoThirds()
    {
        var n = Zoo.Get("plain9w8");
        var strides = n.Layers.Where(l => l.Kind == LayerKind.Convolution).Select(l => l.Stride).ToArray();
        Assert.Equal([1, 1, 1, 2, 1, 1, 2, 1, 1], strides);
        Assert.Equal(new Shape(8, 4, 4), n.Sites[^1].Shape);
        Assert.Equal(new Shape(8, 16, 16), n.Sites[0].Shape);
        Assert.Equal(3, Zoo.Get("plain3").SiteCount);
        Assert.Throws<WorkloadError>(() => Zoo.Get("plain2"));
    }

    [Fact]
    public void UnknownZooNameListsValidNames()
    {
        var e = Assert.Throws<WorkloadError>(() => Zoo.Get("resnet57"));
        Assert.Contains("resnet56", e.Message);
        Assert.Contains("vgg16_bn", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void AliasesResolveToTheSameNetwork()
    {
        Assert.Same(Zoo.Get("resnet56"), Zoo.Get("RESNET56"));
        Assert.Equal(Zoo.Get("resnet56").Parameters, Zoo.Get("resnet56-cifar10").Parameters);
    }

    [Theory]
    [InlineData("kernel", "c2")]
    [InlineData("inputs", "add")]
    [InlineData("groups", "g")]
    [InlineData("input", "fc")]
    [InlineData("name", "c1")]
    public void BadShapesNameTheLayerAndField(string field, string layer)
    {
        var e = Assert.Throws<WorkloadError>(() =>
        {
            var b = Cifar();
            int a = b.Conv("c1", 16, 3, 1, 1);
            switch (field)
            {
                case "kernel": b.Conv("c2", 16, 40); break;
                case "inputs": { int c = b.Conv("c3", 16, 3, 2, 1); b.Add("add", c, b.Conv("c4", 24, 1, from: a)); break; }
                case "groups": b.Conv("g", 16, 3, 1, 1, groups: 3); break;
                case "input": b.Linear("fc", 10); break;
                case "name": b.Conv("c1", 16, 3, 1, 1); break;
            }
        });
        Assert.Contains($"'{layer}'", e.Message);
        Assert.Contains($"'{field}'", e.Message);
    }

    [Fact]
    public void BuildChecksTheClassifierWidth()
    {
        var b = Cifar();
        b.GlobalAvgPool("gap"); b.Flatten("f"); b.Linear("fc", 7);
        var e = Assert.Throws<WorkloadError>(() => b.Build());
        Assert.Contains("'fc'", e.Message);
        Assert.Contains("classes", e.Message);
    }

    [Fact]
    public void VggAdaptivePoolIsIdentityAt224()
    {
        var n = Zoo.Get("vgg16");
        var pool = n.Layers.Single(l => l.Name == "avgpool");
        Assert.Equal(pool.Input, pool.Output);
        Assert.Equal(new Shape(512, 7, 7), pool.Output);
        Assert.False(n.ReferenceHasNormalization);
        Assert.True(Zoo.Get("vgg16_bn").ReferenceHasNormalization);
    }
}
