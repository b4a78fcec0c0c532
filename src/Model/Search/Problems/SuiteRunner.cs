using System.Diagnostics;
using System.Globalization;
using System.Text;
using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Baselines;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Study;

namespace DeepTrain.Model.Search.Problems;

/// <summary>One search configuration of the benchmark: method, acquisition (bo only), proposals per round.</summary>
public sealed record SearchMethod(string Method, string Acquisition = "ei", int Batch = 1)
{
    public string Label => Method == "bo" ? $"bo/{Acquisition}" + (Batch > 1 ? $" q={Batch}" : "") : Method + (Batch > 1 ? $" q={Batch}" : "");

    public static SearchMethod Parse(string s)
    {
        var parts = s.Split('/', StringSplitOptions.TrimEntries);
        int q = 1; string acq = "ei";
        foreach (var p in parts.Skip(1))
            if (p.StartsWith("q", StringComparison.OrdinalIgnoreCase) && int.TryParse(p[1..].TrimStart('='), out int qq)) q = qq;
            else acq = p;
        return new SearchMethod(parts[0], acq, q);
    }
}

/// <summary>Outcome of one study on a suite problem.</summary>
public sealed record SuiteRun(string Problem, string Method, int Seed, double? Best, bool Hit, bool TrulyFeasible, int FirstCallAtBest,
                              int Calls, int Rounds, double BoSeconds);

/// <summary>Aggregate over seeds: one row of the benchmark table.</summary>
public sealed record SuiteRow(string Problem, int Sites, int Optimum, string Method, int Seeds, double MedianBest, int Hits,
                              int TrulyFeasible, double MedianFirstCallAtBest, double MedianCalls, double BoSecondsPerRound);

/// <summary>
/// The search benchmark (`dotnet run -c Release --project bench -- search`, docs/SEARCH.md "Benchmark"): runs each
/// method on each suite problem for each seed, in process, with the same engine objects `optimize` builds, and
/// reports median best, hits of the known optimum, first call reaching the study's best (the reference call counts
/// as call 1), calls used and the proposer's seconds per round. A hit needs the optimum's number of sites and a mask
/// that is truly feasible (noise-free).
/// </summary>
public static class SuiteRunner
{
    public static int DefaultBudget(int sites) => sites <= 60 ? 60 : 100;

    public static SuiteRun RunOne(SuiteProblem p, SearchMethod m, int seed, int? budget = null, int candidates = 20000, int referenceSeeds = 1,
                                  TextWriter? trace = null)
    {
        var bo = new BoOptions { Acquisition = AcquisitionContext.ParseKind(m.Acquisition), Candidates = candidates };
        var timed = new TimedProposer(Proposers.Create(m.Method, bo));
        var config = new StudyConfig
        {
            Network = "", SiteCount = p.SiteCount, Objective = p.Objective.Name, Oracle = "synthetic:" + p.Name, Method = m.Method,
            TolerancePercent = p.TolerancePercent, Budget = budget ?? DefaultBudget(p.SiteCount), BatchSize = m.Batch, Seed = seed,
            ReferenceSeeds = referenceSeeds, Acquisition = m.Acquisition, Candidates = candidates,
        };
        var study = new Study.Study(config, p.Objective, timed);
        StudyRunner.RunAsync(study, new SyntheticOracle(p), null).GetAwaiter().GetResult();
        if (trace is not null)
            foreach (var o in study.State.Observations)
                trace.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Name} {m.Label} seed {seed} r{o.Round}.{o.Slot} {o.Mask} {o.AccuracyPercent:0.00} k={o.Mask.Count(c => c == '1')} true={p.NoiseFree(Workloads.SiteMask.Parse(o.Mask, p.SiteCount)):0.00}"));
        var inc = study.State.Incumbent;
        double? best = inc?.Objective;
        int first = 0;
        if (inc is not null)
        {
            var obs = study.State.Observations;
            for (int i = 0; i < obs.Count; i++) if (obs[i].Mask == inc.Mask.ToString()) { first = i + 1; break; }
        }
        bool truly = inc is not null && p.TrulyFeasible(inc.Mask);
        bool hit = truly && best is double b && b <= p.OptimumSites + 1e-9;
        return new SuiteRun(p.Name, m.Label, seed, best, hit, truly, first, study.State.OracleCalls, timed.Rounds, timed.Seconds);
    }

    public static SuiteRow Aggregate(SuiteProblem p, SearchMethod m, IReadOnlyList<SuiteRun> runs) => new(
        p.Name, p.SiteCount, p.OptimumSites, m.Label, runs.Count,
        Median(runs.Select(r => r.Best ?? p.SiteCount)), runs.Count(r => r.Hit), runs.Count(r => r.TrulyFeasible),
        Median(runs.Select(r => (double)r.FirstCallAtBest)), Median(runs.Select(r => (double)r.Calls)),
        runs.Sum(r => r.Rounds) == 0 ? 0 : runs.Sum(r => r.BoSeconds) / runs.Sum(r => r.Rounds));

    public static double Median(IEnumerable<double> xs)
    {
        var a = xs.OrderBy(x => x).ToArray();
        if (a.Length == 0) return double.NaN;
        return a.Length % 2 == 1 ? a[a.Length / 2] : 0.5 * (a[a.Length / 2 - 1] + a[a.Length / 2]);
    }

    public static string Markdown(IEnumerable<SuiteRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| problem | sites | optimum | method | median best | hits | truly feasible | median first call at best | median calls | BO s/round |");
        sb.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Problem} | {r.Sites} | {r.Optimum} | {r.Method} | {r.MedianBest:0.#} | {r.Hits}/{r.Seeds} | {r.TrulyFeasible}/{r.Seeds} | {r.MedianFirstCallAtBest:0.#} | {r.MedianCalls:0.#} | {r.BoSecondsPerRound:0.000} |"));
        return sb.ToString();
    }

    private sealed class TimedProposer(IMaskProposer inner) : IMaskProposer
    {
        public string Name => inner.Name;
        public int Rounds { get; private set; }
        public double Seconds { get; private set; }

        public IReadOnlyList<Workloads.SiteMask> Propose(StudyState state, int q, int round, CancellationToken ct = default)
        {
            var c = Stopwatch.StartNew();
            var r = inner.Propose(state, q, round, ct);
            if (state.ReferenceAccuracy is not null) { Rounds++; Seconds += c.Elapsed.TotalSeconds; }
            return r;
        }
    }
}
