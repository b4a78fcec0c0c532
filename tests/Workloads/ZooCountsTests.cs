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
    // Generated from docs/WORKLOADS.md (tools/zoo_counts.py: PyTorch parameters, forward-hook MACs, BatchNorm2d count, BN input elements).
    [InlineData("resnet20", "cifar", 10, 269722L, 40551040L, 19, 188416L)]
    [InlineData("resnet20-cifar100", "cifar", 100, 275572L, 40556800L, 19, 188416L)]
    [InlineData("resnet32", "cifar", 10, 464154L, 68862592L, 31, 303104L)]
    [InlineData("resnet32-cifar100", "cifar", 100, 470004L, 68868352L, 31, 303104L)]
    [InlineData("resnet44", "cifar", 10, 658586L, 97174144L, 43, 417792L)]
    [InlineData("resnet44-cifar100", "cifar", 100, 664436L, 97179904L, 43, 417792L)]
    [InlineData("resnet56", "cifar", 10, 853018L, 125485696L, 55, 532480L)]
    [InlineData("resnet56-cifar100", "cifar", 100, 858868L, 125491456L, 55, 532480L)]
    [InlineData("resnet110", "cifar", 10, 1727962L, 252887680L, 109, 1048576L)]
    [InlineData("resnet110-cifar100", "cifar", 100, 1733812L, 252893440L, 109, 1048576L)]
    [InlineData("resnet18-cifar10", "cifar", 10, 11173962L, 555422720L, 20, 614400L)]
    [InlineData("resnet18-cifar100", "cifar", 100, 11220132L, 555468800L, 20, 614400L)]
    [InlineData("resnet18", "imagenet", 1000, 11689512L, 1814073344L, 20, 2483712L)]
    [InlineData("resnet34", "imagenet", 1000, 21797672L, 3663761408L, 36, 3738112L)]
    [InlineData("resnet50", "imagenet", 1000, 25557032L, 4089184256L, 53, 11113984L)]
    [InlineData("resnet101", "imagenet", 1000, 44549160L, 7801405440L, 104, 16231936L)]
    [InlineData("resnet152", "imagenet", 1000, 60192808L, 11513626624L, 155, 22554112L)]
    [InlineData("vgg11", "imagenet", 1000, 132863336L, 7609090048L, 8, 7426048L)]
    [InlineData("vgg13", "imagenet", 1000, 133047848L, 11308466176L, 10, 12242944L)]
    [InlineData("vgg16", "imagenet", 1000, 138357544L, 15470264320L, 13, 13547520L)]
    [InlineData("vgg19", "imagenet", 1000, 143667240L, 19632062464L, 16, 14852096L)]
    [InlineData("vgg11_bn", "imagenet", 1000, 132868840L, 7609090048L, 8, 7426048L)]
    [InlineData("vgg13_bn", "imagenet", 1000, 133053736L, 11308466176L, 10, 12242944L)]
    [InlineData("vgg16_bn", "imagenet", 1000, 138365992L, 15470264320L, 13, 13547520L)]
    [InlineData("vgg19_bn", "imagenet", 1000, 143678248L, 19632062464L, 16, 14852096L)]
    [InlineData("plain8", "generated", 10, 16698L, 1179808L, 8, 12032L)]
    [InlineData("plain20", "generated", 10, 44730L, 4276384L, 20, 33536L)]
    [InlineData("plain56", "generated", 10, 128826L, 13566112L, 56, 98048L)]
    [InlineData("plain20w32", "generated", 10, 177002L, 17031488L, 20, 67072L)]
    [InlineData("plain20-cifar10", "cifar", 10, 45018L, 17399968L, 20, 134144L)]
    [InlineData("plain56-cifar10", "cifar", 10, 129114L, 54558880L, 56, 392192L)]
    [InlineData("plain20-cifar100", "cifar", 100, 46548L, 17401408L, 20, 134144L)]
    public void CountsEqualThePyTorchReference(string name, string input, int classes, long parameters, long macs, int sites, long siteElements)
    {
        var n = Zoo.Get(name);
        Assert.Equal(input, n.InputKind);
        Assert.Equal(classes, n.Classes);
        Assert.Equal(parameters, n.Parameters);
        Assert.Equal(macs, n.Macs);
        Assert.Equal(sites, n.SiteCount);
        long elements = 0;
        foreach (var s in n.Sites) elements += s.ElementsPerImage;
        Assert.Equal(siteElements, elements);
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
