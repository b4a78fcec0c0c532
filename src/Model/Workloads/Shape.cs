namespace DeepTrain.Model.Workloads;

/// <summary>Activation tensor shape of one image (channels × height × width). Linear layers use H = W = 1.</summary>
public readonly record struct Shape(int Channels, int Height, int Width)
{
    /// <summary>Elements per image.</summary>
    public long Elements => (long)Channels * Height * Width;

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
