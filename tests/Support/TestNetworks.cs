using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Support;

/// <summary>Small networks built directly from <see cref="Layer"/> records (independent of the zoo).</summary>
public static class TestNetworks
{
    /// <summary>A CIFAR-like chain: <paramref name="convs"/> 3×3 convolutions (ReLU after each, a residual Add every
    /// second conv when <paramref name="residual"/>), channel width doubling and stride 2 at thirds, global pool, linear.
    /// A site after every convolution.</summary>
    public static Network Chain(int convs, int width = 16, int size = 32, bool residual = true, string? name = null, int classes = 10)
    {
        var layers = new List<Layer>();
        var sites = new List<NormSite>();
        var shape = new Shape(3, size, size);
        int last = -1, blockIn = -1;
        for (int i = 0; i < convs; i++)
        {
            int stage = convs < 3 ? 0 : Math.Min(2, 3 * i / convs);
            int prevStage = i == 0 ? 0 : (convs < 3 ? 0 : Math.Min(2, 3 * (i - 1) / convs));
            int stride = i > 0 && stage != prevStage ? 2 : 1;
            int cout = width << stage;
            var outShape = new Shape(cout, (shape.Height + stride - 1) / stride, (shape.Width + stride - 1) / stride);
            layers.Add(new Layer
            {
                Name = $"conv{i + 1}", Kind = LayerKind.Convolution, Inputs = [last], Input = shape, Output = outShape,
                KernelHeight = 3, KernelWidth = 3, Stride = stride, Padding = 1,
            });
            int conv = layers.Count - 1;
            sites.Add(new NormSite(sites.Count, conv, outShape));
            last = conv;
            if (residual && i % 2 == 1 && blockIn >= 0 && layers[blockIn].Output == outShape)
            {
                layers.Add(new Layer { Name = $"add{i + 1}", Kind = LayerKind.Add, Inputs = [last, blockIn], Input = outShape, Output = outShape });
                last = layers.Count - 1;
            }
            layers.Add(new Layer { Name = $"relu{i + 1}", Kind = LayerKind.Activation, Inputs = [last], Input = outShape, Output = outShape });
            last = layers.Count - 1;
            if (i % 2 == 1 || i == 0) blockIn = last;
            shape = outShape;
        }
        layers.Add(new Layer { Name = "pool", Kind = LayerKind.GlobalAvgPool, Inputs = [last], Input = shape, Output = new Shape(shape.Channels, 1, 1) });
        layers.Add(new Layer
        {
            Name = "fc", Kind = LayerKind.Linear, Inputs = [layers.Count - 1], Input = new Shape(shape.Channels, 1, 1),
            Output = new Shape(classes, 1, 1), HasBias = true,
        });
        return new Network(name ?? $"chain{convs}", "cifar", classes, new Shape(3, size, size), layers, sites, true);
    }

    /// <summary>A chain with random widths and sizes, for property tests.</summary>
    public static Network Random(Random rng)
    {
        int convs = rng.Next(1, 24);
        int width = 8 << rng.Next(0, 4);
        int size = 8 << rng.Next(0, 3);
        return Chain(convs, width, size, rng.Next(2) == 0, $"random{convs}");
    }

    public static SiteMask RandomMask(Random rng, int sites)
    {
        double density = rng.NextDouble();
        var w = new ulong[SiteMask.WordsFor(sites)];
        for (int i = 0; i < sites; i++) if (rng.NextDouble() < density) w[i >> 6] |= 1UL << (i & 63);
        return SiteMask.FromWords(sites, w);
    }
}
