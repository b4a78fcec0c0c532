namespace DeepTrain.Model.Workloads;

/// <summary>ResNet definitions. Layer names follow the PyTorch module names so trainers can map them.</summary>
internal static class ZooResNet
{
    /// <summary>
    /// CIFAR ResNet of He et al. 2016 §4.2: depth 6n+2, 3×3 stem of 16 channels, three stages of n basic blocks with
    /// 16/32/64 channels (the first block of stages 2 and 3 has stride 2), global average pool, linear.
    /// Option-A shortcuts: identity, subsampled with stride 2 and zero-padded in channels where the shape changes;
    /// the IR shows this as an <see cref="LayerKind.Add"/> whose second input has fewer channels and a larger size
    /// (and <see cref="Layer.Stride"/> 2). No parameters, no MACs. Convolutions have no bias; fc has one.
    /// </summary>
    public static Network CifarOptionA(string name, int depth, int classes)
    {
        int n = (depth - 2) / 6;
        var b = new NetworkBuilder(name, "cifar", classes, new Shape(3, 32, 32));
        b.Conv("conv1", 16, 3, 1, 1); b.AddSite();
        int x = b.Activation("relu");
        int[] planes = [16, 32, 64];
        for (int s = 0; s < 3; s++)
            for (int i = 0; i < n; i++)
            {
                int stride = s > 0 && i == 0 ? 2 : 1;
                x = Basic(b, $"layer{s + 1}.{i}", x, planes[s], stride, projection: false);
            }
        Head(b, classes);
        return b.Build(referenceHasNormalization: true);
    }

    /// <summary>The common CIFAR ResNet-18 (kuangliu/pytorch-cifar): 3×3 stem of 64 channels with stride 1, no
    /// max-pool, four stages of two basic blocks (64/128/256/512, stride 2 from stage 2), 1×1 projection
    /// shortcuts with normalization where the shape changes, 4×4 average pool (global at 32×32 input), linear.</summary>
    public static Network Cifar18(string name, int classes)
    {
        var b = new NetworkBuilder(name, "cifar", classes, new Shape(3, 32, 32));
        b.Conv("conv1", 64, 3, 1, 1); b.AddSite();
        int x = b.Activation("relu");
        int[] planes = [64, 128, 256, 512];
        for (int s = 0; s < 4; s++)
            for (int i = 0; i < 2; i++)
                x = Basic(b, $"layer{s + 1}.{i}", x, planes[s], s > 0 && i == 0 ? 2 : 1, projection: true);
        Head(b, classes);
        return b.Build(referenceHasNormalization: true);
    }

    /// <summary>torchvision.models.resnet{18,34,50,101,152} (v1.5: the bottleneck's stride is on its 3×3 conv):
    /// 7×7/2 stem, 3×3/2 max-pool, four stages, 1×1 downsample convolutions with normalization, global pool, fc.</summary>
    public static Network ImageNet(string name, bool basic, int[] blocks)
    {
        var b = new NetworkBuilder(name, "imagenet", 1000, new Shape(3, 224, 224));
        b.Conv("conv1", 64, 7, 2, 3); b.AddSite();
        b.Activation("relu");
        int x = b.MaxPool("maxpool", 3, 2, 1);
        int[] planes = [64, 128, 256, 512];
        for (int s = 0; s < 4; s++)
            for (int i = 0; i < blocks[s]; i++)
            {
                int stride = s > 0 && i == 0 ? 2 : 1;
                x = basic ? Basic(b, $"layer{s + 1}.{i}", x, planes[s], stride, projection: true)
                          : Bottleneck(b, $"layer{s + 1}.{i}", x, planes[s], stride);
            }
        Head(b, 1000);
        return b.Build(referenceHasNormalization: true);
    }

    private static int Basic(NetworkBuilder b, string p, int x, int planes, int stride, bool projection)
    {
        int inChannels = b.OutputOf(x).Channels;
        b.Conv($"{p}.conv1", planes, 3, stride, 1, from: x); b.AddSite();
        b.Activation($"{p}.relu1");
        int main = b.Conv($"{p}.conv2", planes, 3, 1, 1); b.AddSite();
        int shortcut = x;
        if (projection && (stride != 1 || inChannels != planes))
        {
            shortcut = b.Conv($"{p}.downsample.0", planes, 1, stride, 0, from: x); b.AddSite();
        }
        b.Add($"{p}.add", main, shortcut);
        return b.Activation($"{p}.relu2");
    }

    private static int Bottleneck(NetworkBuilder b, string p, int x, int planes, int stride)
    {
        const int expansion = 4;
        int inChannels = b.OutputOf(x).Channels;
        b.Conv($"{p}.conv1", planes, 1, 1, 0, from: x); b.AddSite();
        b.Activation($"{p}.relu1");
        b.Conv($"{p}.conv2", planes, 3, stride, 1); b.AddSite();
        b.Activation($"{p}.relu2");
        int main = b.Conv($"{p}.conv3", planes * expansion, 1, 1, 0); b.AddSite();
        int shortcut = x;
        if (stride != 1 || inChannels != planes * expansion)
        {
            shortcut = b.Conv($"{p}.downsample.0", planes * expansion, 1, stride, 0, from: x); b.AddSite();
        }
        b.Add($"{p}.add", main, shortcut);
        return b.Activation($"{p}.relu3");
    }

    private static void Head(NetworkBuilder b, int classes)
    {
        b.GlobalAvgPool("avgpool");
        b.Flatten("flatten");
        b.Linear("fc", classes, bias: true);
    }
}
