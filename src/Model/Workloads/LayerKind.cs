namespace DeepTrain.Model.Workloads;

/// <summary>Layer types of the network IR. Normalization is not a layer: it lives at <see cref="NormSite"/>s.</summary>
public enum LayerKind
{
    /// <summary>2-D convolution (kernel, stride, padding, groups). Weighted.</summary>
    Convolution,
    /// <summary>Fully connected layer on a flattened input. Weighted.</summary>
    Linear,
    MaxPool,
    AvgPool,
    /// <summary>Global average pooling to C×1×1.</summary>
    GlobalAvgPool,
    /// <summary>Element-wise activation (ReLU).</summary>
    Activation,
    /// <summary>Residual element-wise add of two inputs. Option-A shortcuts (zero-padded, strided identity) are an
    /// Add whose second input has fewer channels or a larger size; see <see cref="Layer"/>.</summary>
    Add,
    /// <summary>Channel concatenation of its inputs.</summary>
    Concat,
    /// <summary>Flatten C×H×W to (C·H·W)×1×1; no computation.</summary>
    Flatten,
    /// <summary>Dropout (identity for the cost model; kept so definitions match torchvision).</summary>
    Dropout,
}
