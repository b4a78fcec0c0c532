using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Workloads;

/// <summary>
/// Every zoo network against counts computed independently in PyTorch (tools/zoo_counts.py, torch 1.13,
/// torchvision 0.14): torchvision's own models for ImageNet, separate PyTorch definitions for CIFAR and plainD.
/// </summary>
public class ZooCountsTests
{
    [Theory]
    // Generated from docs/WORKLOADS.md (tools/zoo_counts.py: PyTorch parameters, forward-hook MACs, BatchNorm2d count, BN input elements, order checksum).
    [InlineData("resnet20", "cifar", 10, 269722L, 40551040L, 19, 188416L, 1380352L)]
    [InlineData("resnet20-cifar100", "cifar", 100, 275572L, 40556800L, 19, 188416L, 1380352L)]
    [InlineData("resnet32", "cifar", 10, 464154L, 68862592L, 31, 303104L, 3518464L)]
    [InlineData("resnet32-cifar100", "cifar", 100, 470004L, 68868352L, 31, 303104L, 3518464L)]
    [InlineData("resnet44", "cifar", 10, 658586L, 97174144L, 43, 417792L, 6639616L)]
    [InlineData("resnet44-cifar100", "cifar", 100, 664436L, 97179904L, 43, 417792L, 6639616L)]
    [InlineData("resnet56", "cifar", 10, 853018L, 125485696L, 55, 532480L, 10743808L)]
    [InlineData("resnet56-cifar100", "cifar", 100, 858868L, 125491456L, 55, 532480L, 10743808L)]
    [InlineData("resnet110", "cifar", 10, 1727962L, 252887680L, 109, 1048576L, 41377792L)]
    [InlineData("resnet110-cifar100", "cifar", 100, 1733812L, 252893440L, 109, 1048576L, 41377792L)]
    [InlineData("resnet18-cifar10", "cifar", 10, 11173962L, 555422720L, 20, 614400L, 4096000L)]
    [InlineData("resnet18-cifar100", "cifar", 100, 11220132L, 555468800L, 20, 614400L, 4096000L)]
    [InlineData("resnet18", "imagenet", 1000, 11689512L, 1814073344L, 20, 2483712L, 13146112L)]
    [InlineData("resnet34", "imagenet", 1000, 21797672L, 3663761408L, 36, 3738112L, 37857792L)]
    [InlineData("resnet50", "imagenet", 1000, 25557032L, 4089184256L, 53, 11113984L, 188034560L)]
    [InlineData("resnet101", "imagenet", 1000, 44549160L, 7801405440L, 104, 16231936L, 575719424L)]
    [InlineData("resnet152", "imagenet", 1000, 60192808L, 11513626624L, 155, 22554112L, 1264761344L)]
    [InlineData("vgg11", "imagenet", 1000, 132863336L, 7609090048L, 8, 7426048L, 17963008L)]
    [InlineData("vgg13", "imagenet", 1000, 133047848L, 11308466176L, 10, 12242944L, 37632000L)]
    [InlineData("vgg16", "imagenet", 1000, 138357544L, 15470264320L, 13, 13547520L, 49774592L)]
    [InlineData("vgg19", "imagenet", 1000, 143667240L, 19632062464L, 16, 14852096L, 64425984L)]
    [InlineData("vgg11_bn", "imagenet", 1000, 132868840L, 7609090048L, 8, 7426048L, 17963008L)]
    [InlineData("vgg13_bn", "imagenet", 1000, 133053736L, 11308466176L, 10, 12242944L, 37632000L)]
    [InlineData("vgg16_bn", "imagenet", 1000, 138365992L, 15470264320L, 13, 13547520L, 49774592L)]
    [InlineData("vgg19_bn", "imagenet", 1000, 143678248L, 19632062464L, 16, 14852096L, 64425984L)]
    [InlineData("plain8", "generated", 10, 16698L, 1179808L, 8, 12032L, 29952L)]
    [InlineData("plain20", "generated", 10, 44730L, 4276384L, 20, 33536L, 188160L)]
    [InlineData("plain56", "generated", 10, 128826L, 13566112L, 56, 98048L, 1473792L)]
    [InlineData("plain20w32", "generated", 10, 177002L, 17031488L, 20, 67072L, 376320L)]
    [InlineData("plain20-cifar10", "cifar", 10, 45018L, 17399968L, 20, 134144L, 752640L)]
    [InlineData("plain56-cifar10", "cifar", 10, 129114L, 54558880L, 56, 392192L, 5895168L)]
    [InlineData("plain20-cifar100", "cifar", 100, 46548L, 17401408L, 20, 134144L, 752640L)]
    public void CountsEqualThePyTorchReference(string name, string input, int classes, long parameters, long macs, int sites, long siteElements, long siteOrder)
    {
        var n = Zoo.Get(name);
        Assert.Equal(input, n.InputKind);
        Assert.Equal(classes, n.Classes);
        Assert.Equal(parameters, n.Parameters);
        Assert.Equal(macs, n.Macs);
        Assert.Equal(sites, n.SiteCount);
        long elements = 0, order = 0;
        foreach (var s in n.Sites) { elements += s.ElementsPerImage; order += (s.Index + 1) * s.ElementsPerImage; }
        Assert.Equal(siteElements, elements);
        // Sites numbered in the order PyTorch runs its BatchNorm2d layers.
        Assert.Equal(siteOrder, order);
    }

    [Fact]
    public void EveryListedNameIsCoveredByTheReferenceTable()
    {
        var covered = new HashSet<string>();
        foreach (var m in typeof(ZooCountsTests).GetMethod(nameof(CountsEqualThePyTorchReference))!
                     .GetCustomAttributes(typeof(InlineDataAttribute), false))
            covered.Add((string)((InlineDataAttribute)m).GetData(null!).First()[0]);
        foreach (var name in Zoo.Names) Assert.Contains(name, covered);
    }
}
