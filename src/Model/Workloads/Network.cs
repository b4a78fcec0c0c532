namespace DeepTrain.Model.Workloads;

/// <summary>
/// A CNN as an ordered graph of layers with full shapes, plus its normalization sites.
/// Immutable once built. Construct through <see cref="NetworkBuilder"/> (which validates shapes) or the zoo.
/// </summary>
public sealed class Network
{
    public Network(string name, string inputKind, int classes, Shape inputShape,
                   IReadOnlyList<Layer> layers, IReadOnlyList<NormSite> sites, bool referenceHasNormalization)
    {
        Name = name;
        InputKind = inputKind;
        Classes = classes;
        InputShape = inputShape;
        Layers = layers;
        Sites = sites;
        ReferenceHasNormalization = referenceHasNormalization;
        long p = 0, m = 0;
        foreach (var l in layers) { p += l.Parameters; m += l.Macs; }
        LayerParameters = p;
        Macs = m;
        long sp = 0;
        foreach (var s in sites) sp += s.Parameters;
        SiteParameters = sp;
    }

    /// <summary>Zoo or file name, e.g. "resnet50".</summary>
    public string Name { get; }
    /// <summary>Input data set family: "cifar", "imagenet", "generated", or free text from a file.</summary>
    public string InputKind { get; }
    public int Classes { get; }
    public Shape InputShape { get; }
    public IReadOnlyList<Layer> Layers { get; }
    /// <summary>Candidate normalization sites in mask order.</summary>
    public IReadOnlyList<NormSite> Sites { get; }
    /// <summary>True when the reference definition normalizes at every site (ResNets, VGG-BN); false for plain VGG.</summary>
    public bool ReferenceHasNormalization { get; }
    /// <summary>Parameters of convolution and linear layers.</summary>
    public long LayerParameters { get; }
    /// <summary>Affine parameters of all sites if all were active.</summary>
    public long SiteParameters { get; }
    /// <summary>Parameters of the reference definition (torchvision / He et al.): layers plus, when the reference
    /// normalizes, the γ/β of every site.</summary>
    public long Parameters => LayerParameters + (ReferenceHasNormalization ? SiteParameters : 0);
    /// <summary>Forward multiply-accumulates per image (convolution + linear).</summary>
    public long Macs { get; }
    public int SiteCount => Sites.Count;

    /// <summary>The mask of the reference definition: all sites when it normalizes, none otherwise.</summary>
    public SiteMask ReferenceMask => ReferenceHasNormalization ? SiteMask.All(SiteCount) : SiteMask.None(SiteCount);

    public override string ToString() => Name;
}
