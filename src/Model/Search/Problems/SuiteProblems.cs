using System.Globalization;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Problems;

/// <summary>
/// The search benchmark suite (BoTorch's test_functions habit; docs/SEARCH.md "Problem suite"): problems over site
/// masks with different structure and an optimum known exactly — by construction or by exact dynamic programming /
/// enumeration. All minimize the number of active sites (<see cref="SitesObjective"/>) under
/// accuracy ≥ accuracy(all sites) − 0.5. The structure is fixed by the problem seed (default 1), not by the study
/// seed, so every study seed attacks the same instance. With <see cref="NoiseSd"/> &gt; 0 each call adds Gaussian
/// noise that depends on (mask, call seed), like the spread between training seeds; feasibility of an answer is then
/// judged on <see cref="NoiseFree"/>.
/// </summary>
public abstract class SuiteProblem : ISyntheticProblem
{
    protected SuiteProblem(string family, int sites, int seed, double noiseSd)
    {
        if (sites < 2) throw new ArgumentException("a suite problem needs at least 2 sites");
        if (!(noiseSd >= 0)) throw new ArgumentException("noise must be ≥ 0");
        SiteCount = sites; ProblemSeed = seed; NoiseSd = noiseSd; Family = family;
        Objective = new SitesObjective(sites);
        Name = Spec(family, sites, seed, noiseSd);
    }

    public static string Spec(string family, int sites, int seed, double noiseSd)
    {
        var s = family == "plain6" ? family : $"{family}-{sites}";
        if (seed != 1) s += $",seed={seed}";
        if (noiseSd > 0) s += ",noise=" + noiseSd.ToString("0.###", CultureInfo.InvariantCulture);
        return s;
    }

    public string Family { get; }
    public string Name { get; }
    public IMaskObjective Objective { get; }
    public int SiteCount { get; }
    public int ProblemSeed { get; }
    /// <summary>Standard deviation of the per-call noise, accuracy points (0: deterministic).</summary>
    public double NoiseSd { get; }
    public virtual double TolerancePercent => 0.5;
    /// <summary>One optimal mask (others with the same number of sites may exist).</summary>
    public SiteMask? KnownOptimum => _optimum ??= ComputeOptimum();
    private SiteMask? _optimum;
    /// <summary>Active sites of the optimum.</summary>
    public int OptimumSites => KnownOptimum!.Count;

    /// <summary>Accuracy without the per-call noise, percent.</summary>
    public abstract double NoiseFree(SiteMask mask);
    protected abstract SiteMask ComputeOptimum();

    /// <summary>Noise-free accuracy of all sites minus the tolerance.</summary>
    public double TrueThreshold => NoiseFree(SiteMask.All(SiteCount)) - TolerancePercent;
    /// <summary>Feasible on the noise-free accuracy.</summary>
    public bool TrulyFeasible(SiteMask mask) => NoiseFree(mask) >= TrueThreshold - 1e-12;

    public double Accuracy(SiteMask mask, int seed)
    {
        double a = NoiseFree(mask);
        if (NoiseSd > 0)
        {
            ulong h = Study.MaskHash.Mix(Study.MaskHash.Of(mask.Words) ^ Study.MaskHash.Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)ProblemSeed));
            a += NoiseSd * Acquisition.AcquisitionFunction.Normal(h);
        }
        return Math.Clamp(a, 0, 100);
    }

    /// <summary>Base accuracy of every problem: what a well-trained CIFAR-10 ResNet reaches.</summary>
    protected const double Base = 92;
    /// <summary>A small, linear cost per inactive site (at most 0.3 points in total): keeps the problems graded
    /// without moving their optimum, since it can never exceed the 0.5 tolerance.</summary>
    protected double Drift(SiteMask m) => 0.3 * (SiteCount - m.Count) / SiteCount;

    /// <summary>The suite as the benchmark runs it: every family at 19, 55, 109 and 155 sites (the site counts of
    /// CIFAR ResNet-20/56/110 and ResNet-152), plus plain6; <paramref name="noisy"/> adds noise-2.5 variants.</summary>
    public static IReadOnlyList<SuiteProblem> Standard(bool noisy = false, int[]? sites = null)
    {
        var list = new List<SuiteProblem>();
        foreach (int s in sites ?? [19, 55, 109, 155])
            foreach (var fam in Families) list.Add(Create(fam, s, 1, 0));
        list.Add(new Plain6Problem(1, 0));
        if (noisy) foreach (int s in sites ?? [19, 55]) foreach (var fam in Families) list.Add(Create(fam, s, 1, 2.5));
        return list;
    }

    public static readonly string[] Families = ["windows", "spacing", "pairs", "budget"];

    public static SuiteProblem Create(string family, int sites, int seed, double noise) => family switch
    {
        "windows" => new WindowsProblem(sites, seed, noise),
        "spacing" => new SpacingProblem(sites, seed, noise),
        "pairs" => new PairsProblem(sites, seed, noise),
        "budget" => new BudgetProblem(sites, seed, noise),
        "plain6" => new Plain6Problem(seed, noise),
        _ => throw new ArgumentException($"unknown suite problem '{family}'"),
    };

    /// <summary>Parses "FAMILY-SITES[,seed=N][,noise=SD]" (or "plain6[,noise=SD]"); null when FAMILY is not a suite
    /// family. Throws <see cref="OracleError"/> on a bad option.</summary>
    public static SuiteProblem? TryParse(string arg)
    {
        var parts = arg.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        var head = parts[0].Split('-', StringSplitOptions.TrimEntries);
        string fam = head[0].ToLowerInvariant();
        if (fam != "plain6" && Array.IndexOf(Families, fam) < 0) return null;
        int sites = 6;
        if (fam != "plain6")
        {
            if (head.Length != 2 || !int.TryParse(head[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out sites) || sites < 4 || sites > 4096)
                throw new OracleError($"--oracle synthetic:{arg}: use {fam}-SITES with 4 ≤ SITES ≤ 4096, e.g. {fam}-55");
        }
        int seed = 1; double noise = 0;
        foreach (var p in parts.Skip(1))
        {
            int eq = p.IndexOf('=');
            string k = eq < 0 ? p : p[..eq], v = eq < 0 ? "" : p[(eq + 1)..];
            if (k == "seed" && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int sd)) seed = sd;
            else if (k == "noise" && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n >= 0 && n <= 50) noise = n;
            else throw new OracleError($"--oracle synthetic:{arg}: bad option '{p}'; use seed=N or noise=POINTS");
        }
        return Create(fam, sites, seed, noise);
    }
}

/// <summary>
/// Required windows: W disjoint windows of 3–5 consecutive sites; a window with no active site costs 3 points.
/// W = max(2, round(2·S/19)) (two windows at 19 sites, as the resnet20 study of issue 14). Optimum: one site per
/// window, W sites (by construction: every window needs one, and one per window is feasible).
/// </summary>
public sealed class WindowsProblem : SuiteProblem
{
    private readonly (int Start, int Width)[] _windows;

    public WindowsProblem(int sites, int seed = 1, double noise = 0) : base("windows", sites, seed, noise)
    {
        int w = Math.Max(2, (int)Math.Round(2.0 * sites / 19));
        var rng = new Random(seed * 7919 + sites);
        // Disjoint windows: cut the site line into w equal slots and place one window inside each slot.
        _windows = new (int, int)[w];
        for (int i = 0; i < w; i++)
        {
            int lo = i * sites / w, hi = (i + 1) * sites / w;
            int width = Math.Min(hi - lo, 3 + rng.Next(3));
            _windows[i] = (lo + rng.Next(hi - lo - width + 1), width);
        }
    }

    public IReadOnlyList<(int Start, int Width)> Windows => _windows;

    public override double NoiseFree(SiteMask m)
    {
        double a = Base - Drift(m);
        foreach (var (st, wd) in _windows)
        {
            bool any = false;
            for (int i = st; i < st + wd && !any; i++) any = m[i];
            if (!any) a -= 3;
        }
        return a;
    }

    protected override SiteMask ComputeOptimum() => SiteMask.FromIndices(SiteCount, _windows.Select(w => w.Start));
}

/// <summary>
/// Graded penalties on the spacing of normalized layers: every run of g consecutive inactive sites costs
/// 0.05·max(0, g − G)² points, G = max(2, round(S/7)); the run after the last active site (the head of the network)
/// tolerates only G/2. Accuracy falls gradually as normalization gets sparse in the wrong places. Optimum by exact
/// dynamic programming over (active count, position of the last active site).
/// </summary>
public sealed class SpacingProblem : SuiteProblem
{
    public const double Scale = 0.05;

    public SpacingProblem(int sites, int seed = 1, double noise = 0) : base("spacing", sites, seed, noise)
    {
        Gap = Math.Max(2, (int)Math.Round(sites / 7.0));
        // The problem seed shifts the allowed gap by −1..+1 so that other instances exist.
        if (seed != 1) Gap = Math.Max(2, Gap + new Random(seed).Next(3) - 1);
    }

    /// <summary>Longest run of inactive sites with no penalty (G); the trailing run allows G/2.</summary>
    public int Gap { get; }

    private double Pen(int run) => run > Gap ? Scale * (run - Gap) * (run - Gap) : 0;
    private double TailPen(int run) { int g = Gap / 2; return run > g ? Scale * (run - g) * (run - g) : 0; }

    public override double NoiseFree(SiteMask m)
    {
        double p = 0; int run = 0;
        for (int i = 0; i < SiteCount; i++)
        {
            if (m[i]) { p += Pen(run); run = 0; }
            else run++;
        }
        p += TailPen(run);
        return Base - Drift(m) - p;
    }

    protected override SiteMask ComputeOptimum()
    {
        // best[k][i]: least gap penalty of k active sites whose last is site i (leading and inner runs counted).
        int s = SiteCount;
        double tau = TrueThresholdNoDp();
        var prev = new double[s]; var from = new List<int[]>();
        for (int i = 0; i < s; i++) prev[i] = Pen(i);
        from.Add(Enumerable.Repeat(-1, s).ToArray());
        for (int k = 1; k <= s; k++)
        {
            // Feasible with k active sites? Accuracy = Base − 0.3(S−k)/S − penalty.
            for (int i = 0; i < s; i++)
                if (Base - 0.3 * (s - k) / s - (prev[i] + TailPen(s - 1 - i)) >= tau - 1e-12)
                {
                    var idx = new List<int>(); int cur = i;
                    for (int kk = k - 1; kk >= 0; kk--) { idx.Add(cur); cur = from[kk][cur]; }
                    return SiteMask.FromIndices(s, idx);
                }
            var next = new double[s]; var arg = new int[s];
            for (int j = 0; j < s; j++)
            {
                next[j] = double.PositiveInfinity; arg[j] = -1;
                for (int i = 0; i < j; i++)
                {
                    double v = prev[i] + Pen(j - i - 1);
                    if (v < next[j]) { next[j] = v; arg[j] = i; }
                }
            }
            prev = next; from.Add(arg);
        }
        return SiteMask.All(s);
    }

    private double TrueThresholdNoDp() => Base - TolerancePercent;
}

/// <summary>
/// Pairwise interactions: disjoint small graphs over the sites (n triangles, n paths of three, n single edges,
/// n = max(1, round(S/19)), on a seeded permutation); an edge whose two sites are both inactive costs 2 points, while
/// dropping either alone costs nothing beyond the drift. A mask is feasible iff its active sites cover every edge, so
/// the optimum is a minimum vertex cover: 2 per triangle, 1 per path (its middle), 1 per edge — 4n sites.
/// </summary>
public sealed class PairsProblem : SuiteProblem
{
    private readonly List<(int A, int B)> _edges = new();
    private readonly List<int> _cover = new();

    public PairsProblem(int sites, int seed = 1, double noise = 0) : base("pairs", sites, seed, noise)
    {
        int n = Math.Max(1, (int)Math.Round(sites / 19.0));
        if (8 * n > sites) throw new ArgumentException("pairs needs at least 8 sites per component group");
        var perm = Enumerable.Range(0, sites).ToArray();
        new Random(seed * 104729 + sites).Shuffle(perm);
        int p = 0;
        for (int t = 0; t < n; t++)
        {
            int a = perm[p++], b = perm[p++], c = perm[p++];
            _edges.Add((a, b)); _edges.Add((b, c)); _edges.Add((a, c)); _cover.Add(a); _cover.Add(b);
        }
        for (int t = 0; t < n; t++)
        {
            int a = perm[p++], b = perm[p++], c = perm[p++];
            _edges.Add((a, b)); _edges.Add((b, c)); _cover.Add(b);
        }
        for (int t = 0; t < n; t++)
        {
            int a = perm[p++], b = perm[p++];
            _edges.Add((a, b)); _cover.Add(a);
        }
    }

    public IReadOnlyList<(int A, int B)> Edges => _edges;

    public override double NoiseFree(SiteMask m)
    {
        double a = Base - Drift(m);
        foreach (var (x, y) in _edges) if (!m[x] && !m[y]) a -= 2;
        return a;
    }

    protected override SiteMask ComputeOptimum() => SiteMask.FromIndices(SiteCount, _cover);
}

/// <summary>
/// Budgets on position: the sites form three stages (thirds of the network, as the three stages of a CIFAR ResNet);
/// stage b needs at least q_b active sites, each missing one costs 1 point. q = (c+1, c, c+1), c = max(1, round(S/19)).
/// Optimum by construction: the first q_b sites of each stage, Σq sites (every stage must meet its quota; meeting them
/// all is feasible).
/// </summary>
public sealed class BudgetProblem : SuiteProblem
{
    private readonly int[] _bounds;
    private readonly int[] _quota;

    public BudgetProblem(int sites, int seed = 1, double noise = 0) : base("budget", sites, seed, noise)
    {
        int c = Math.Max(1, (int)Math.Round(sites / 19.0));
        if (seed != 1) c = Math.Max(1, c + new Random(seed).Next(2));
        _quota = [c + 1, c, c + 1];
        _bounds = [0, sites / 3, 2 * sites / 3, sites];
        for (int b = 0; b < 3; b++) if (_bounds[b + 1] - _bounds[b] < _quota[b]) throw new ArgumentException("budget: too few sites");
    }

    public IReadOnlyList<int> Quotas => _quota;

    public override double NoiseFree(SiteMask m)
    {
        double a = Base - Drift(m);
        for (int b = 0; b < 3; b++)
        {
            int n = 0;
            for (int i = _bounds[b]; i < _bounds[b + 1]; i++) if (m[i]) n++;
            a -= Math.Max(0, _quota[b] - n);
        }
        return a;
    }

    protected override SiteMask ComputeOptimum()
    {
        var idx = new List<int>();
        for (int b = 0; b < 3; b++) for (int i = 0; i < _quota[b]; i++) idx.Add(_bounds[b] + i);
        return SiteMask.FromIndices(SiteCount, idx);
    }
}

/// <summary>
/// The measured plain6 table (examples/tables/plain6.csv: every mask of the zoo's plain6 trained once with the
/// built-in trainer, seed 0), embedded so the suite needs no file. Optimum by enumeration of all 64 masks.
/// </summary>
public sealed class Plain6Problem : SuiteProblem
{
    // Row r = mask with site j active iff bit j of r (the CSV's order), accuracy in percent.
    private static readonly double[] Table =
    [
        25.4, 30.6, 99.7, 97.9, 99.8, 99.5, 99.9, 99.8, 99.4, 99.9, 100, 99.9, 99.9, 99.8, 100, 99.9,
        99.5, 99.4, 99.9, 99.7, 99.9, 99.8, 100, 99.9, 99.8, 99.9, 99.7, 100, 99.9, 99.8, 99.8, 99.9,
        99.7, 97, 99.8, 99.4, 99.8, 99.9, 100, 99.8, 99.8, 99.8, 100, 99.2, 99.8, 99.6, 99.9, 99.8,
        99.6, 99.8, 99.8, 99.8, 100, 99.8, 100, 100, 99.9, 99.9, 100, 99.9, 100, 99.9, 100, 100,
    ];

    public Plain6Problem(int seed = 1, double noise = 0) : base("plain6", 6, seed, noise) { }

    public override double NoiseFree(SiteMask m) => Table[(int)m.Words[0]];

    protected override SiteMask ComputeOptimum()
    {
        double tau = Table[63] - TolerancePercent;
        int best = 63;
        for (int r = 0; r < 64; r++)
            if (Table[r] >= tau && System.Numerics.BitOperations.PopCount((uint)r) < System.Numerics.BitOperations.PopCount((uint)best)) best = r;
        return SiteMask.FromWords(6, [(ulong)best]);
    }
}
