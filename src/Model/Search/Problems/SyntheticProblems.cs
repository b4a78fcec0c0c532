using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Problems;

/// <summary>A test problem for the optimizer: a known objective, an accuracy function standing in for training, the
/// tolerance to use, and (when known) the optimum.</summary>
public interface ISyntheticProblem
{
    string Name { get; }
    IMaskObjective Objective { get; }
    int SiteCount { get; }
    /// <summary>"Accuracy" in percent. Deterministic in (mask, seed).</summary>
    double Accuracy(SiteMask mask, int seed);
    double TolerancePercent { get; }
    /// <summary>The constrained optimum, when known exactly.</summary>
    SiteMask? KnownOptimum { get; }
}

/// <summary>
/// A hidden set of critical sites: dropping one costs 1.5 points of accuracy, dropping any other site 0.01 points.
/// With tolerance 0.5 a mask is feasible iff it keeps every critical site (for up to 50 non-critical drops), so the
/// unique optimum of any positive per-site cost is exactly the critical set. Costs and the set come from the seed.
/// </summary>
public sealed class CriticalSitesProblem : ISyntheticProblem
{
    private readonly bool[] _critical;

    public CriticalSitesProblem(int sites, int critical, int seed, bool weighted = true)
    {
        if (critical > sites || sites - critical > 50) throw new ArgumentException("need critical ≤ sites and at most 50 other sites");
        var rng = new Random(seed);
        _critical = new bool[sites];
        int placed = 0;
        while (placed < critical) { int i = rng.Next(sites); if (!_critical[i]) { _critical[i] = true; placed++; } }
        var costs = new double[sites];
        for (int i = 0; i < sites; i++) costs[i] = weighted ? 1 + rng.NextDouble() : 1;
        Objective = weighted ? new WeightedSitesObjective(costs, "cost") : new SitesObjective(sites);
        SiteCount = sites;
        KnownOptimum = SiteMask.FromIndices(sites, Enumerable.Range(0, sites).Where(i => _critical[i]));
        Name = $"critical{sites}x{critical}";
    }

    public string Name { get; }
    public IMaskObjective Objective { get; }
    public int SiteCount { get; }
    public double TolerancePercent => 0.5;
    public SiteMask? KnownOptimum { get; }

    public double Accuracy(SiteMask mask, int seed)
    {
        double a = 92;
        for (int i = 0; i < SiteCount; i++) if (!mask[i]) a -= _critical[i] ? 1.5 : 0.01;
        return a;
    }
}

/// <summary>
/// Contamination control (Hu et al. 2010; the d = 25 benchmark of Baptista &amp; Poloczek, ICML 2018, BOCS): a food
/// chain of d stages, u_i = 1 if prevention is applied at stage i (cost 1). Contamination fraction
/// Z_i = Λ_i·(1−u_i)·(1−Z_{i−1}) + (1 − Γ_i·u_i)·Z_{i−1}, Z_0 ~ Beta(1,30), Λ_i ~ Beta(1,17/3), Γ_i ~ Beta(1,3/7),
/// constraint P(Z_i ≤ 0.1) ≥ 1 − ε with ε = 0.05 at every stage, estimated from T = 100 Monte-Carlo samples.
/// As in BOCS the samples are common random numbers fixed by the problem seed (BOCS fixes the MATLAB substream);
/// our stream is System.Random with inverse-CDF Beta(1,b) draws 1 − U^(1/b), so sample values differ from MATLAB's.
/// Here: objective = Σu (sites), "accuracy" = 100·min_i P̂(Z_i ≤ 0.1), tolerance chosen so τ = 95 exactly.
/// <see cref="PublishedObjective"/> is BOCS's penalized form Σu − Σ_i(P̂_i − (1−ε)) + λ‖u‖₁.
/// Under the hard chance constraint the optimum is known: without prevention at stage i, Z_i ≥ Λ_i, so
/// P(Z_i ≤ 0.1) ≤ P(Λ_i ≤ 0.1) = 1 − 0.9^(17/3) ≈ 0.45 &lt; 0.95; every stage needs prevention, the optimum is all
/// 25 (cost 25). That makes the constrained form a feasibility check, not a hard search problem; BOCS's penalized
/// form (<see cref="PublishedObjective"/>) is the one its paper optimizes.
/// </summary>
public sealed class ContaminationProblem : ISyntheticProblem
{
    public const int Stages = 25;
    public const int Samples = 100;
    public const double Limit = 0.1;
    public const double Epsilon = 0.05;
    private readonly double[] _z0 = new double[Samples];
    private readonly double[] _lambda = new double[Stages * Samples];
    private readonly double[] _gamma = new double[Stages * Samples];

    public ContaminationProblem(int seed = 1)
    {
        var rng = new Random(seed);
        for (int t = 0; t < Samples; t++) _z0[t] = Beta1(rng, 30);
        for (int i = 0; i < _lambda.Length; i++) _lambda[i] = Beta1(rng, 17.0 / 3);
        for (int i = 0; i < _gamma.Length; i++) _gamma[i] = Beta1(rng, 3.0 / 7);
        Objective = new SitesObjective(Stages);
        TolerancePercent = Accuracy(SiteMask.All(Stages), 0) - 100 * (1 - Epsilon);
    }

    private static double Beta1(Random rng, double b) => 1 - Math.Pow(1 - rng.NextDouble(), 1 / b);

    public string Name => "contamination";
    public IMaskObjective Objective { get; }
    public int SiteCount => Stages;
    public double TolerancePercent { get; }
    public SiteMask? KnownOptimum => SiteMask.All(Stages);

    /// <summary>P̂(Z_i ≤ 0.1) for each stage.</summary>
    public double[] StageProbabilities(SiteMask u)
    {
        var z = (double[])_z0.Clone();
        var p = new double[Stages];
        for (int i = 0; i < Stages; i++)
        {
            bool ui = u[i];
            int ok = 0;
            for (int t = 0; t < Samples; t++)
            {
                double lam = _lambda[i * Samples + t], gam = _gamma[i * Samples + t];
                z[t] = (ui ? 0 : lam * (1 - z[t])) + (1 - (ui ? gam : 0)) * z[t];
                if (z[t] <= Limit) ok++;
            }
            p[i] = ok / (double)Samples;
        }
        return p;
    }

    public double Accuracy(SiteMask mask, int seed) => 100 * StageProbabilities(mask).Min();

    /// <summary>BOCS's objective (contamination_prob.m with γ = 1) plus λ‖u‖₁.</summary>
    public double PublishedObjective(SiteMask u, double lambda = 0)
    {
        var p = StageProbabilities(u);
        double pen = 0;
        foreach (var pi in p) pen += pi - (1 - Epsilon);
        return u.Count - pen + lambda * u.Count;
    }
}
