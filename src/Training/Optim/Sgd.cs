using System.Numerics.Tensors;
using DeepTrain.Training.Layers;

namespace DeepTrain.Training.Optim;

/// <summary>
/// SGD with momentum and L2 weight decay, PyTorch's formulation (dampening 0, not Nesterov):
/// g = ∇ + λ·w; v = μ·v + g; w = w − η·v.
/// </summary>
public static class Sgd
{
    public static void Step(IReadOnlyList<Parameter> parameters, float learningRate, float momentum, float weightDecay)
    {
        for (int i = 0; i < parameters.Count; i++)   // indexed: a foreach over the interface would allocate an enumerator
        {
            var p = parameters[i];
            if (p.Decay && weightDecay != 0) TensorPrimitives.MultiplyAdd(p.Value, weightDecay, p.Grad, p.Grad);
            TensorPrimitives.MultiplyAdd(p.Velocity, momentum, p.Grad, p.Velocity);
            TensorPrimitives.MultiplyAdd(p.Velocity, -learningRate, p.Value, p.Value);
        }
    }
}

public enum LearningRateSchedule { OneCycle, Cosine, Constant }

/// <summary>Learning rate at a step. One-cycle follows PyTorch's OneCycleLR with cosine annealing and no momentum
/// cycling: from peak/25 up to the peak over the first 30 % of steps, then down to peak/(25·10⁴).</summary>
public static class LearningRates
{
    public static double At(LearningRateSchedule schedule, double peak, int step, int totalSteps)
    {
        if (totalSteps <= 1) return peak;
        switch (schedule)
        {
            case LearningRateSchedule.Constant: return peak;
            case LearningRateSchedule.Cosine: return peak * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
            default:
                double initial = peak / 25, final = initial / 1e4;
                double up = 0.3 * totalSteps - 1;     // OneCycleLR: phase end = pct_start·total − 1
                double down = totalSteps - 1;
                if (step <= up) return Anneal(initial, peak, up <= 0 ? 1 : step / up);
                return Anneal(peak, final, (step - up) / (down - up));
        }
    }

    private static double Anneal(double start, double end, double pct) => end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1);
}
