namespace DeepTrain.Reports.Data;

/// <summary>
/// One search run as the oracle saw it: for oracle call i (0-based, in order) the known objective of the mask and
/// whether the oracle judged it feasible. The figure derives "best feasible so far".
/// </summary>
public sealed record ConvergenceRun(string Method, int Seed, IReadOnlyList<double> Objective, IReadOnlyList<bool> Feasible)
{
    /// <summary>A run given directly as "best feasible objective after each call" (NaN = none feasible yet), for
    /// callers whose feasibility rule is richer than one flag per call (e.g. mean accuracy over repeated masks).</summary>
    public static ConvergenceRun FromBestSoFar(string method, int seed, IReadOnlyList<double> best) =>
        new(method, seed, best, best.Select(double.IsFinite).ToArray());

    /// <summary>Best feasible objective after each call (minimization); NaN before the first feasible call.</summary>
    public double[] BestSoFar()
    {
        if (Objective.Count != Feasible.Count) throw new ArgumentException($"run {Method}/{Seed}: {Objective.Count} objectives but {Feasible.Count} feasibility flags");
        var best = new double[Objective.Count];
        double b = double.NaN;
        for (int i = 0; i < best.Length; i++)
        {
            if (Feasible[i] && double.IsFinite(Objective[i]) && (double.IsNaN(b) || Objective[i] < b)) b = Objective[i];
            best[i] = b;
        }
        return best;
    }
}

/// <summary>
/// Best feasible objective versus oracle calls for several methods (BO, random, greedy, every-k), each possibly with
/// several seeds: the figure shows the median over seeds and a min–max band. <paramref name="ObjectiveUnit"/> is an SI
/// base unit ("s", "J") to get an engineering prefix, or a plain word ("sites").
/// </summary>
public sealed record Convergence(
    string ObjectiveQuantity,
    string ObjectiveUnit,
    IReadOnlyList<ConvergenceRun> Runs,
    double? ReferenceObjective = null,
    string ReferenceLabel = "all sites");
