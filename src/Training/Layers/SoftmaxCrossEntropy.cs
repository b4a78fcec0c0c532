namespace DeepTrain.Training.Layers;

/// <summary>Mean softmax cross-entropy over the batch; writes dLoss/dlogits = (softmax − onehot)/n.</summary>
internal static class SoftmaxCrossEntropy
{
    public static double LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int classes, Span<float> grad)
    {
        double loss = 0;
        for (int b = 0; b < n; b++)
        {
            var z = logits.Slice(b * classes, classes);
            var g = grad.Slice(b * classes, classes);
            float max = float.NegativeInfinity;
            for (int k = 0; k < classes; k++) max = Math.Max(max, z[k]);
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += Math.Exp(z[k] - max);
            int y = labels[b];
            loss += Math.Log(sum) - (z[y] - max);
            for (int k = 0; k < classes; k++)
                g[k] = (float)((Math.Exp(z[k] - max) / sum - (k == y ? 1 : 0)) / n);
        }
        return loss / n;
    }
}
