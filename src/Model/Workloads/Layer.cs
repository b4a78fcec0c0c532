namespace DeepTrain.Model.Workloads;

/// <summary>
/// One layer of the network IR, with full shapes. Layers are stored in a topological order; <see cref="Inputs"/>
/// holds indices of earlier layers (−1 = the network input).
/// </summary>
/// <remarks>
/// Residual adds: <see cref="Inputs"/>[0] is the main branch and fixes <see cref="Output"/>. A later input either has
/// the same shape or is an <b>option-A shortcut</b> (He et al. 2016, §4.2, the CIFAR ResNets): it has fewer channels
/// and s times the height and width; it is subsampled with stride s (<c>x[:, :, ::s, ::s]</c>) and zero-padded in
/// channels (equally on both sides) before the add, and the Add records <see cref="Stride"/> = s. No weights, no MACs.
/// Pooling layers use <see cref="KernelHeight"/>/<see cref="KernelWidth"/>, <see cref="Stride"/> and
/// <see cref="Padding"/> like convolutions (floor mode); a global average pool records the input size as its kernel.
/// Build layers with <see cref="NetworkBuilder"/>, which infers and checks every shape.
/// </remarks>
public sealed record Layer
{
    public required string Name { get; init; }
    public required LayerKind Kind { get; init; }
    /// <summary>Producer layer indices (−1 = network input). Add/Concat have two or more.</summary>
    public required int[] Inputs { get; init; }
    /// <summary>Shape of the (first) input per image.</summary>
    public required Shape Input { get; init; }
    /// <summary>Shape of the output per image.</summary>
    public required Shape Output { get; init; }
    public int KernelHeight { get; init; } = 1;
    public int KernelWidth { get; init; } = 1;
    /// <summary>Convolution/pooling stride; for an Add, the subsampling stride of its option-A shortcut (1 if none).</summary>
    public int Stride { get; init; } = 1;
    public int Padding { get; init; }
    public int Groups { get; init; } = 1;
    public bool HasBias { get; init; }

    /// <summary>True for layers whose weights live on crossbars (convolution, linear).</summary>
    public bool IsWeighted => Kind is LayerKind.Convolution or LayerKind.Linear;

    /// <summary>Rows of one group's weight matrix: k·k·Cin/groups for convolution, Cin for linear, 0 otherwise.</summary>
    public int FanIn => Kind switch
    {
        LayerKind.Convolution => KernelHeight * KernelWidth * (Input.Channels / Groups),
        LayerKind.Linear => Input.Channels,
        _ => 0,
    };

    /// <summary>Columns of one group's weight matrix: Cout/groups (convolution) or Cout (linear).</summary>
    public int FanOutPerGroup => Kind switch
    {
        LayerKind.Convolution => Output.Channels / Groups,
        LayerKind.Linear => Output.Channels,
        _ => 0,
    };

    /// <summary>Matrix-vector products per image in the forward pass: one per output pixel (1 for linear).</summary>
    public long MvmsPerImage => IsWeighted ? (long)Output.Height * Output.Width : 0;

    /// <summary>Learned parameters (weights + bias). Normalization parameters belong to sites, not layers.</summary>
    public long Parameters => Kind switch
    {
        LayerKind.Convolution => (long)FanIn * Output.Channels + (HasBias ? Output.Channels : 0),
        LayerKind.Linear => (long)Input.Channels * Output.Channels + (HasBias ? Output.Channels : 0),
        _ => 0,
    };

    /// <summary>Multiply-accumulates per image, forward pass (convolution and linear only; bias adds not counted).</summary>
    public long Macs => Kind switch
    {
        LayerKind.Convolution => (long)FanIn * Output.Channels * Output.Height * Output.Width,
        LayerKind.Linear => (long)Input.Channels * Output.Channels,
        _ => 0,
    };
}
