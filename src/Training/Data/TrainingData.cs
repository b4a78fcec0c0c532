using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Training.Data;

/// <summary>Chooses the data a network trains on.</summary>
public static class TrainingData
{
    /// <summary>
    /// With <paramref name="cifarDirectory"/>: the CIFAR binary files there (the network must take 3×32×32 input with
    /// 10 or 100 classes). Otherwise generated images of the network's input shape and class count — for the plain
    /// networks the default 1×16×16, 10 classes, 4000 training and 1000 test images.
    /// </summary>
    public static DataSplit For(Network network, string? cifarDirectory = null, double difficulty = 0.5,
                                int trainImages = 4000, int testImages = 1000)
    {
        if (cifarDirectory is not null)
        {
            if (network.InputShape != new Shape(3, 32, 32) || network.Classes is not (10 or 100))
                throw new UserError($"{network.Name} takes {network.InputShape} images with {network.Classes} classes; CIFAR data needs 3x32x32 and 10 or 100");
            var d = CifarBinary.LoadDirectory(cifarDirectory, network.Classes);
            return trainImages > 0 && trainImages < d.Train.Count ? d with { Train = Take(d.Train, trainImages) } : d;
        }
        var s = network.InputShape;
        if (s.Height != s.Width) throw new UserError($"{network.Name}: generated data needs square input, not {s}");
        return GeneratedImages.Create(new GeneratedImagesOptions
        {
            Channels = s.Channels, Size = s.Height, Classes = network.Classes,
            TrainCount = trainImages, TestCount = testImages, Difficulty = difficulty,
        });
    }

    private static ImageDataset Take(ImageDataset d, int n) =>
        new(d.Name, d.Shape, d.Classes, d.Images.AsSpan(0, n * (int)d.Shape.Elements).ToArray(), d.Labels.AsSpan(0, n).ToArray());
}
