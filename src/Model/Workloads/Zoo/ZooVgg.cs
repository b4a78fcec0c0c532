namespace DeepTrain.Model.Workloads;

/// <summary>torchvision.models.vgg{11,13,16,19}[_bn] (Simonyan &amp; Zisserman 2015, configurations A, B, D, E).</summary>
internal static class ZooVgg
{
    /// <summary>torchvision's cfgs: channel counts of 3×3 convolutions (padding 1, with bias), 0 = 2×2/2 max-pool.</summary>
    public static readonly IReadOnlyDictionary<string, int[]> Configs = new Dictionary<string, int[]>
    {
        ["vgg11"] = [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
        ["vgg13"] = [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
        ["vgg16"] = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0],
        ["vgg19"] = [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0],
    };

    /// <summary>Features (conv+ReLU, max-pools), AdaptiveAvgPool2d(7×7) — identity at 224×224 input —, flatten,
    /// classifier Linear(25088, 4096)-ReLU-Dropout-Linear(4096, 4096)-ReLU-Dropout-Linear(4096, 1000).
    /// A site follows every convolution; only the _bn variants normalize in the reference, so plain VGG counts no
    /// normalization parameters.</summary>
    public static Network Build(string name, string config, bool batchNorm)
    {
        var b = new NetworkBuilder(name, "imagenet", 1000, new Shape(3, 224, 224));
        int idx = 0; // torchvision's index into model.features
        foreach (int c in Configs[config])
        {
            if (c == 0) { b.MaxPool($"features.{idx++}", 2, 2); continue; }
            b.Conv($"features.{idx++}", c, 3, 1, 1, bias: true); b.AddSite();
            if (batchNorm) idx++; // features.{idx} is the BatchNorm2d in torchvision
            b.Activation($"features.{idx++}");
        }
        b.AdaptiveAvgPool("avgpool", 7, 7);
        b.Flatten("flatten");
        b.Linear("classifier.0", 4096); b.Activation("classifier.1"); b.Dropout("classifier.2");
        b.Linear("classifier.3", 4096); b.Activation("classifier.4"); b.Dropout("classifier.5");
        b.Linear("classifier.6", 1000);
        return b.Build(referenceHasNormalization: batchNorm);
    }
}
