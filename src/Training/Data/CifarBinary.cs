using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Training.Data;

/// <summary>
/// Reader for the CIFAR-10/100 binary format (https://www.cs.toronto.edu/~kriz/cifar.html): each record is the label
/// byte(s) — one for CIFAR-10; coarse then fine for CIFAR-100, of which the fine label is used — followed by 3072 bytes,
/// the 1024 red, 1024 green and 1024 blue pixels of a 32×32 image in row-major order. Pixels are scaled to [0, 1] and
/// standardized per channel with the usual CIFAR statistics.
/// </summary>
public static class CifarBinary
{
    public const int ImageBytes = 3072;
    private static readonly float[] Mean = [0.4914f, 0.4822f, 0.4465f];
    private static readonly float[] Std = [0.2470f, 0.2435f, 0.2616f];

    /// <param name="classes">10 (CIFAR-10) or 100 (CIFAR-100).</param>
    public static ImageDataset Load(string name, IReadOnlyList<string> files, int classes, int limit = int.MaxValue)
    {
        if (classes is not (10 or 100)) throw new UserError($"CIFAR has 10 or 100 classes, not {classes}");
        int labelBytes = classes == 10 ? 1 : 2, record = labelBytes + ImageBytes;
        var images = new List<float>();
        var labels = new List<int>();
        foreach (var f in files)
        {
            if (!File.Exists(f)) throw new UserError($"CIFAR file '{f}' does not exist");
            var bytes = File.ReadAllBytes(f);
            if (bytes.Length % record != 0)
                throw new UserError($"CIFAR file '{f}' has {bytes.Length} bytes, not a multiple of the {record}-byte record of CIFAR-{classes}");
            for (int r = 0; r < bytes.Length / record && labels.Count < limit; r++)
            {
                int off = r * record;
                int label = bytes[off + labelBytes - 1];
                if (label >= classes) throw new UserError($"CIFAR file '{f}': record {r} has label {label} ≥ {classes}");
                labels.Add(label);
                for (int c = 0; c < 3; c++)
                    for (int p = 0; p < 1024; p++)
                        images.Add((bytes[off + labelBytes + c * 1024 + p] / 255f - Mean[c]) / Std[c]);
            }
        }
        return new ImageDataset(name, new Shape(3, 32, 32), classes, images.ToArray(), labels.ToArray());
    }

    /// <summary>The standard layout of the extracted archives: data_batch_1..5.bin + test_batch.bin (CIFAR-10) or
    /// train.bin + test.bin (CIFAR-100).</summary>
    public static DataSplit LoadDirectory(string directory, int classes)
    {
        if (!Directory.Exists(directory)) throw new UserError($"CIFAR directory '{directory}' does not exist");
        string[] train = classes == 10
            ? Enumerable.Range(1, 5).Select(i => Path.Combine(directory, $"data_batch_{i}.bin")).ToArray()
            : [Path.Combine(directory, "train.bin")];
        string test = Path.Combine(directory, classes == 10 ? "test_batch.bin" : "test.bin");
        return new DataSplit(Load($"cifar{classes}-train", train, classes), Load($"cifar{classes}-test", [test], classes));
    }
}
