using DeepTrain.Model.Workloads;
using DeepTrain.Training.Data;
using DeepTrain.Training.Layers;

namespace DeepTrain.Training;

/// <summary>
/// A PROXY for trained accuracy, computed in milliseconds at initialization — not an accuracy. One forward and
/// backward pass of the actual network (normalization at the mask's sites, He-initialized with the seed) on the first
/// <c>batch</c> training images; for every weighted layer the relative gradient ‖∇W‖/‖W‖. Score = −(standard deviation
/// over layers of log10 of that ratio): 0 when every layer would learn at the same relative speed, more negative when
/// gradients vanish or explode along the depth. Non-finite gradients score −∞. Its rank correlation with trained
/// accuracy is measured in docs/TRAINER.md.
/// </summary>
public static class TrainabilityProxy
{
    public static double Score(Network network, SiteMask mask, ImageDataset train, ulong seed, int batch = 64, int threads = 1)
    {
        int n = Math.Min(batch, train.Count);
        using var net = new TrainableNetwork(network, mask, n, threads, seed);
        net.SetInput(train.Images.AsSpan(0, n * (int)train.Shape.Elements), n);
        double loss = net.ForwardBackward(n, train.Labels.AsSpan(0, n));
        if (!double.IsFinite(loss)) return double.NegativeInfinity;
        var logs = new List<double>();
        foreach (var op in net.Ops)
        {
            Parameter? w = op switch { Conv2d c => c.Weight, Linear l => l.Weight, _ => null };
            if (w is null) continue;
            double g = Norm(w.Grad), v = Norm(w.Value);
            if (!double.IsFinite(g) || !double.IsFinite(v)) return double.NegativeInfinity;
            logs.Add(Math.Log10(Math.Max(g, 1e-30) / Math.Max(v, 1e-30)));
        }
        double mean = logs.Average();
        return -Math.Sqrt(logs.Sum(x => (x - mean) * (x - mean)) / logs.Count);
    }

    private static double Norm(float[] a)
    {
        double s = 0;
        foreach (var x in a) s += (double)x * x;
        return Math.Sqrt(s);
    }
}
