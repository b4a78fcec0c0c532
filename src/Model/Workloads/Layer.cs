namespace DeepTrain.Model.Workloads;

/// <summary>
/// One layer of the network IR, with full shapes. Layers are stored in a topological order; <see cref="Inputs"/>
/// holds indices of earlier layers (−1 = the network input).
/// </summary>
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
