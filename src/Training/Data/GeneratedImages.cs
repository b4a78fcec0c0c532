using DeepTrain.Model.Workloads;

namespace DeepTrain.Training.Data;

/// <summary>Options of the generated data set; the defaults are the plain networks' default data.</summary>
public sealed record GeneratedImagesOptions
{
    public int Channels { get; init; } = 1;
    public int Size { get; init; } = 16;
    public int Classes { get; init; } = 10;
    public int TrainCount { get; init; } = 4000;
    public int TestCount { get; init; } = 1000;
    /// <summary>0 = clean prototypes, 1 = hard: more noise, more clutter from other classes, larger shifts.</summary>
    public double Difficulty { get; init; } = 0.5;
    /// <summary>Fixes the class definitions (not the training seed: every training run sees the same data).</summary>
    public ulong DataSeed { get; init; } = 20221;
}

/// <summary>
/// Deterministic synthetic image classification ("shipped as code", no download). Each class is defined by a
/// texture — an oriented sinusoidal grating with a class-specific orientation and frequency — plus two Gaussian blobs
/// at class-specific offsets. An image draws a random phase, a random translation (up to 1 + 3·difficulty pixels),
/// a contrast in [1 − 0.4·d, 1 + 0.4·d], adds a distractor (another class's grating at weight 0.6·d) and Gaussian
/// pixel noise (σ = 0.15 + 0.6·d), with d the difficulty. Colour channels get their own per-class gains. Images are
/// standardized with the training set's per-channel mean and standard deviation. Classes are balanced
/// (image i has label i mod classes, then the order is shuffled).
/// </summary>
public static class GeneratedImages
{
    private sealed record ClassSpec(double Angle, double Frequency, double[] BlobX, double[] BlobY, double[] Gain);

    public static DataSplit Create(GeneratedImagesOptions? options = null)
    {
        var o = options ?? new GeneratedImagesOptions();
        if (o.Classes < 2 || o.Size < 4 || o.Channels < 1 || o.TrainCount < 1 || o.TestCount < 1)
            throw new Model.UserError("generated data: need ≥ 2 classes, size ≥ 4, ≥ 1 channel and ≥ 1 train and test image");
        if (o.Difficulty is < 0 or > 1) throw new Model.UserError($"generated data: difficulty {o.Difficulty} is outside 0..1");
        var classRng = new Rng(o.DataSeed, stream: 100);
        var specs = new ClassSpec[o.Classes];
        for (int k = 0; k < o.Classes; k++)
        {
            // Orientations spread over π with jitter; frequencies 1.5…4 cycles per image.
            double angle = Math.PI * (k + 0.3 * classRng.NextDouble()) / o.Classes;
            double freq = (1.5 + 2.5 * ((k * 7 % o.Classes) + classRng.NextDouble()) / o.Classes) / o.Size;
            var bx = new double[2]; var by = new double[2];
            for (int i = 0; i < 2; i++) { bx[i] = classRng.Uniform(0.2, 0.8) * o.Size; by[i] = classRng.Uniform(0.2, 0.8) * o.Size; }
            var gain = new double[o.Channels];
            for (int c = 0; c < o.Channels; c++) gain[c] = o.Channels == 1 ? 1 : classRng.Uniform(0.4, 1.2);
            specs[k] = new ClassSpec(angle, freq, bx, by, gain);
        }
        var shape = new Shape(o.Channels, o.Size, o.Size);
        var train = Render("generated-train", o, specs, shape, o.TrainCount, new Rng(o.DataSeed, stream: 200));
        var test = Render("generated-test", o, specs, shape, o.TestCount, new Rng(o.DataSeed, stream: 300));
        Standardize(train, test);
        return new DataSplit(train, test);
    }

    private static ImageDataset Render(string name, GeneratedImagesOptions o, ClassSpec[] specs, Shape shape, int count, Rng rng)
    {
        int n = o.Size, e = (int)shape.Elements;
        double d = o.Difficulty;
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = i % o.Classes;
        rng.Shuffle(labels);
        var images = new float[count * e];
        double maxShift = 1 + 3 * d, noise = 0.15 + 0.6 * d, clutter = 0.6 * d;
        double blobSigma = n / 10.0;
        for (int i = 0; i < count; i++)
        {
            var s = specs[labels[i]];
            var other = specs[(labels[i] + 1 + rng.NextInt(o.Classes - 1)) % o.Classes];
            double phase = rng.Uniform(0, 2 * Math.PI), otherPhase = rng.Uniform(0, 2 * Math.PI);
            double dx = rng.Uniform(-maxShift, maxShift), dy = rng.Uniform(-maxShift, maxShift);
            double contrast = rng.Uniform(1 - 0.4 * d, 1 + 0.4 * d);
            var (ca, sa) = (Math.Cos(s.Angle), Math.Sin(s.Angle));
            var (oa, ob) = (Math.Cos(other.Angle), Math.Sin(other.Angle));
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double grating = Math.Cos(2 * Math.PI * s.Frequency * (x * ca + y * sa) + phase);
                    double distractor = Math.Cos(2 * Math.PI * other.Frequency * (x * oa + y * ob) + otherPhase);
                    double blobs = 0;
                    for (int b = 0; b < 2; b++)
                    {
                        double rx = x - s.BlobX[b] - dx, ry = y - s.BlobY[b] - dy;
                        blobs += 1.5 * Math.Exp(-(rx * rx + ry * ry) / (2 * blobSigma * blobSigma));
                    }
                    for (int c = 0; c < o.Channels; c++)
                    {
                        double v = contrast * s.Gain[c] * (0.8 * grating + blobs) + clutter * other.Gain[c] * distractor
                                   + noise * rng.NextGaussian();
                        images[i * e + (c * n + y) * n + x] = (float)v;
                    }
                }
        }
        return new ImageDataset(name, shape, o.Classes, images, labels);
    }

    /// <summary>Per-channel standardization with the training set's statistics, applied to both sets.</summary>
    internal static void Standardize(ImageDataset train, ImageDataset test)
    {
        int c = train.Shape.Channels, hw = train.Shape.Height * train.Shape.Width;
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0, sq = 0; long count = 0;
            for (int i = 0; i < train.Count; i++)
            {
                var seg = train.Image(i).Slice(ch * hw, hw);
                foreach (var v in seg) { sum += v; sq += (double)v * v; }
                count += hw;
            }
            double mean = sum / count, std = Math.Sqrt(Math.Max(sq / count - mean * mean, 1e-12));
            foreach (var set in new[] { train, test })
                for (int i = 0; i < set.Count; i++)
                {
                    var seg = set.Images.AsSpan(i * (int)set.Shape.Elements + ch * hw, hw);
                    for (int p = 0; p < hw; p++) seg[p] = (float)((seg[p] - mean) / std);
                }
        }
    }
}
