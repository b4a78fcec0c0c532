namespace DeepTrain.Model.Workloads;

/// <summary>
/// The plain family <c>plainD[wW][-cifar10|-cifar100]</c>: D 3×3 convolutions of W channels (padding 1, no bias),
/// each followed by a normalization site and a ReLU; the convolution with 0-based index j has stride 2 exactly when
/// j = ⌊D/3⌋ or j = ⌊2D/3⌋ (two distinct indices for every D ≥ 3), else stride 1; then global average pool, flatten
/// and a linear classifier with bias. Input: a generated 1×16×16 image with 10 classes, or CIFAR 3×32×32 with the
/// suffix's class count. The reference normalizes at every site.
/// </summary>
public static class ZooPlain
{
    public const int DefaultWidth = 16;

    /// <summary>True when convolution j (0-based) of a depth-D plain network has stride 2.</summary>
    public static bool IsStrided(int depth, int j) => j == depth / 3 || j == 2 * depth / 3;

    public static Network Build(string name, int depth, int width, int? cifarClasses)
    {
        if (depth < 3) throw new WorkloadError($"network '{name}': plain depth must be ≥ 3, got {depth}");
        var b = cifarClasses is int c
            ? new NetworkBuilder(name, "cifar", c, new Shape(3, 32, 32))
            : new NetworkBuilder(name, "generated", 10, new Shape(1, 16, 16));
        for (int j = 0; j < depth; j++)
        {
            b.Conv($"conv{j + 1}", width, 3, IsStrided(depth, j) ? 2 : 1, 1); b.AddSite();
            b.Activation($"relu{j + 1}");
        }
        b.GlobalAvgPool("avgpool");
        b.Flatten("flatten");
        b.Linear("fc", cifarClasses ?? 10);
        return b.Build(referenceHasNormalization: true);
    }
}
