using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace DeepTrain.Model.Workloads;

/// <summary>
/// The built-in networks. Names (see docs/WORKLOADS.md for the counts):
/// <list type="bullet">
/// <item><c>resnet20|32|44|56|110</c>: CIFAR-10 ResNets of He et al. 2016 (§4.2) with option-A identity shortcuts;
/// <c>resnetN-cifar100</c> the 100-class variant (<c>resnetN-cifar10</c> is accepted as an alias).</item>
/// <item><c>resnet18-cifar10</c>, <c>resnet18-cifar100</c>: the common CIFAR ResNet-18 (3×3 stem, no max-pool, 1×1
/// projection shortcuts, as in kuangliu/pytorch-cifar).</item>
/// <item><c>resnet18|34|50|101|152</c>, <c>vgg11|13|16|19</c>, <c>vgg11_bn…vgg19_bn</c>: torchvision ImageNet
/// definitions (224×224, 1000 classes).</item>
/// <item><c>plainD[wW][-cifar10|-cifar100]</c> for any D ≥ 3: D 3×3 convolutions of width W (default 16), see
/// <see cref="ZooPlain"/>. Without a suffix the input is a generated 1×16×16 image with 10 classes.</item>
/// </list>
/// Sites are after every convolution (including projection/downsample convolutions), numbered in layer order,
/// which is the order of the BatchNorm2d modules in the PyTorch definitions.
/// </summary>
public static class Zoo
{
    /// <summary>Every listed zoo network (plainD accepts any depth/width beyond these examples).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "resnet20", "resnet32", "resnet44", "resnet56", "resnet110",
        "resnet20-cifar100", "resnet32-cifar100", "resnet44-cifar100", "resnet56-cifar100", "resnet110-cifar100",
        "resnet18-cifar10", "resnet18-cifar100",
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
        "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
        "plain8", "plain20", "plain56", "plain20w32", "plain20-cifar10", "plain56-cifar10", "plain20-cifar100",
    ];

    private static readonly ConcurrentDictionary<string, Network> Cache = new(StringComparer.Ordinal);
    private static readonly Regex CifarResNet = new(@"^resnet(20|32|44|56|110)(?:-cifar(10|100))?$", RegexOptions.CultureInvariant);
    private static readonly Regex CifarResNet18 = new(@"^resnet18-cifar(10|100)$", RegexOptions.CultureInvariant);
    private static readonly Regex Plain = new(@"^plain(\d{1,4})(?:w(\d{1,5}))?(?:-cifar(10|100))?$", RegexOptions.CultureInvariant);

    /// <summary>True when <paramref name="name"/> is a zoo name (listed, alias, or a plainD pattern).</summary>
    public static bool Contains(string name) => TryBuild(name.Trim().ToLowerInvariant(), out _);

    /// <summary>The zoo network called <paramref name="name"/> (case-insensitive); unknown names throw
    /// <see cref="WorkloadError"/> listing the valid names.</summary>
    public static Network Get(string name)
    {
        string key = name.Trim().ToLowerInvariant();
        if (Cache.TryGetValue(key, out var cached)) return cached;
        if (!TryBuild(key, out var build))
            throw new WorkloadError($"unknown network '{name}'; valid names: {string.Join(", ", Names)}, or plainD[wW][-cifar10|-cifar100] with D ≥ 3, or a .json or .onnx file");
        return Cache.GetOrAdd(key, _ => build!());
    }

    /// <summary>A zoo name, or the path of a network JSON file or an ONNX model (.onnx; see docs/NETWORK_FORMAT.md).</summary>
    public static Network Resolve(string nameOrJsonPath)
    {
        if (nameOrJsonPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            return Onnx.OnnxImport.Load(nameOrJsonPath);
        if (nameOrJsonPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(nameOrJsonPath))
            return NetworkJson.Load(nameOrJsonPath);
        return Get(nameOrJsonPath);
    }

    private static bool TryBuild(string key, out Func<Network>? build)
    {
        build = null;
        Match m;
        if ((m = CifarResNet.Match(key)).Success)
        {
            int depth = int.Parse(m.Groups[1].Value);
            int classes = m.Groups[2].Success ? int.Parse(m.Groups[2].Value) : 10;
            string canonical = classes == 10 ? $"resnet{depth}" : $"resnet{depth}-cifar100";
            build = () => ZooResNet.CifarOptionA(canonical, depth, classes);
            return true;
        }
        if ((m = CifarResNet18.Match(key)).Success)
        {
            int classes = int.Parse(m.Groups[1].Value);
            build = () => ZooResNet.Cifar18(key, classes);
            return true;
        }
        if ((m = Plain.Match(key)).Success)
        {
            int depth = int.Parse(m.Groups[1].Value);
            int width = m.Groups[2].Success ? int.Parse(m.Groups[2].Value) : ZooPlain.DefaultWidth;
            if (depth < 3 || width < 1) return false;
            int? cifar = m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : null;
            build = () => ZooPlain.Build(key, depth, width, cifar);
            return true;
        }
        switch (key)
        {
            case "resnet18": build = () => ZooResNet.ImageNet(key, basic: true, [2, 2, 2, 2]); return true;
            case "resnet34": build = () => ZooResNet.ImageNet(key, basic: true, [3, 4, 6, 3]); return true;
            case "resnet50": build = () => ZooResNet.ImageNet(key, basic: false, [3, 4, 6, 3]); return true;
            case "resnet101": build = () => ZooResNet.ImageNet(key, basic: false, [3, 4, 23, 3]); return true;
            case "resnet152": build = () => ZooResNet.ImageNet(key, basic: false, [3, 8, 36, 3]); return true;
        }
        var vgg = key.EndsWith("_bn", StringComparison.Ordinal) ? key[..^3] : key;
        if (ZooVgg.Configs.ContainsKey(vgg))
        {
            bool bn = vgg.Length != key.Length;
            build = () => ZooVgg.Build(key, vgg, bn);
            return true;
        }
        return false;
    }
}
