namespace DeepTrain.Model.Workloads;

/// <summary>
/// A normalization site: a place where the reference definition puts a batch-normalization layer, directly after
/// the output of layer <see cref="LayerIndex"/> (a convolution in ResNets and VGG-BN). <see cref="Index"/> is the
/// site's position in the mask (0-based, in topological order).
/// </summary>
public sealed record NormSite(int Index, int LayerIndex, Shape Shape)
{
    /// <summary>Affine parameters (γ, β) when active.</summary>
    public long Parameters => 2L * Shape.Channels;

    /// <summary>Elements normalized per image.</summary>
    public long ElementsPerImage => Shape.Elements;
}
