using DeepTrain.Model.Workloads;

namespace DeepTrain.Training.Data;

/// <summary>Labelled images in memory, NCHW float32, already normalized for training.</summary>
public sealed class ImageDataset
{
    public ImageDataset(string name, Shape shape, int classes, float[] images, int[] labels)
    {
        if (images.Length != labels.Length * shape.Elements)
            throw new ArgumentException($"{name}: {images.Length} values for {labels.Length} images of {shape}");
        foreach (var y in labels)
            if ((uint)y >= (uint)classes) throw new Model.UserError($"{name}: label {y} outside 0..{classes - 1}");
        Name = name; Shape = shape; Classes = classes; Images = images; Labels = labels;
    }

    public string Name { get; }
    public Shape Shape { get; }
    public int Classes { get; }
    public float[] Images { get; }
    public int[] Labels { get; }
    public int Count => Labels.Length;

    public ReadOnlySpan<float> Image(int i) => Images.AsSpan(i * (int)Shape.Elements, (int)Shape.Elements);
}

/// <summary>A training set and the test set accuracy is measured on.</summary>
public sealed record DataSplit(ImageDataset Train, ImageDataset Test);
