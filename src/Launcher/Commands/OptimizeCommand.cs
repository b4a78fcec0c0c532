using System.CommandLine;
using System.Text.Json;
using DeepTrain.Launcher.Output;
using DeepTrain.Model;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Gpu;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Baselines;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Launcher.Commands;

/// <summary>`deeptrain optimize`: constrained search for the cheapest normalization sites that keep accuracy
/// (docs/SEARCH.md). Only wires: the engine is DeepTrain.Model.Search.</summary>
public static class OptimizeCommand
{
    public static Command Create()
    {
        var net = new Option<string?>("--net") { Description = "Zoo name, network JSON or ONNX file (for time/energy)." };
        var sites = Cli.OptionalIntOption("--sites", "Site count when there is no --net.", 1, Limits.MaxSites);
        var arch = new Option<string>("--arch") { Description = "Preset or spec file.", DefaultValueFactory = _ => "deeptrain" };
        var gpu = new Option<string>("--gpu") { Description = "GPU preset for the speedup line.", DefaultValueFactory = _ => "v100" };
        var images = Cli.IntOption("--images", "Images per batch (model).", 64, 1, Limits.MaxBatch);
        var objective = new Option<string>("--objective") { Description = "time, sites or energy.", DefaultValueFactory = _ => "time" };
        var oracle = new Option<string?>("--oracle") { Description = "table:F.csv, command:\"PROG ARG\", train:…, proxy, synthetic:…" };
        var tolerance = Cli.DoubleOption("--tolerance", "Accuracy loss allowed (points).", 0.5, 0, 100);
        var budget = Cli.IntOption("--budget", "Oracle calls (with reference).", 60, 1, Limits.MaxBudget);
        var proposals = Cli.IntOption("--proposals", "Parallel oracle calls per round.", 4, 1, Limits.MaxProposals);
        // Before --proposals this was --batch, which means the training batch everywhere else: kept, hidden, deprecated.
        var batchAlias = Cli.OptionalIntOption("--batch", "Deprecated spelling of --proposals.", 1, Limits.MaxProposals);
        batchAlias.Hidden = true;
        var method = new Option<string>("--method") { Description = "bo, random, greedy or everyk.", DefaultValueFactory = _ => "bo" };
        var acq = new Option<string>("--acquisition") { Description = "ei, pf, ucb or ts.", DefaultValueFactory = _ => "ei" };
        var seed = Cli.IntOption("--seed", "Study seed (to oracles).", 1, 0, Limits.MaxSeed);
        var refSeeds = Cli.OptionalIntOption("--reference-seeds",
            "All-sites calls (3 if train:/command:, else 1).",
            1, Limits.MaxReferenceSeeds);
        var candidates = Cli.IntOption("--candidates", "Candidates per round.", 20000, Limits.MinCandidates, Limits.MaxCandidates);
        var timeout = Cli.DoubleOption("--oracle-timeout",
            "Seconds per call.", 86400, 0.001, Limits.MaxOracleTimeoutSeconds);
        var retries = Cli.IntOption("--retries", "Retries of a failed oracle call.", 1, 0, Limits.MaxRetries);
        var outFile = new Option<string>("--out") { Description = "New study log (JSONL); see --force.", DefaultValueFactory = _ => "study.jsonl" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing non-empty --out study log." };
        var resume = new Option<string?>("--resume") { Description = "Continue this log's study with its settings (no --oracle)." };
        var cluster = new Option<string?>("--cluster") { Description = "Run on a cluster: seed HOST:PORT (docs/CLUSTER.md)." };
        var host = new Option<string>("--host") { Description = "Bind address with --cluster.", DefaultValueFactory = _ => "127.0.0.1" };
        var studyId = new Option<string?>("--study-id") { Description = "Cluster study id (default: settings hash)." };
        var json = Cli.JsonOption(); var quiet = Cli.QuietOption();
        var cmd = new Command("optimize", "Search the normalization sites to drop while keeping accuracy (Bayesian optimization).")
            { net, sites, arch, gpu, images, objective, oracle, tolerance, budget, proposals, batchAlias, method, acq, seed, refSeeds, candidates,
              timeout, retries, outFile, force, resume, cluster, host, studyId, json, quiet };
        cmd.SetAction((r, ct) => Run(FromLog(new Args(r.GetValue(net), r.GetValue(sites), r.GetValue(arch)!, r.GetValue(gpu)!, r.GetValue(images),
            r.GetValue(objective)!, r.GetValue(oracle) ?? "", r.GetValue(tolerance), r.GetValue(budget), Proposals(r, proposals, batchAlias), r.GetValue(method)!,
            r.GetValue(acq)!, r.GetValue(seed), r.GetValue(refSeeds), r.GetValue(candidates), r.GetValue(timeout), r.GetValue(retries),
            r.GetValue(outFile)!, r.GetValue(resume), r.GetValue(json), r.GetValue(quiet), r.GetValue(cluster), r.GetValue(host)!,
            r.GetValue(studyId), r.GetValue(force)),
            new Given(o => r.GetResult(o) is { Implicit: false }, net, sites, arch, gpu, images, objective, oracle, tolerance, budget, proposals,
                batchAlias, method, acq, seed, refSeeds, candidates, timeout, retries)), ct));
        return cmd;
    }

    /// <summary>Documented ranges of optimize's numeric options (shown in --help; outside them: one-line error).</summary>
    public static class Limits
    {
        public const int MaxSites = 65536;
        /// <summary>Training images per batch for the hardware model (estimate, pareto, report use the same bound).</summary>
        public const int MaxBatch = 1 << 20;
        public const int MaxBudget = 100_000;
        public const int MaxProposals = 1024;
        public const int MaxSeed = 1_000_000_000;
        public const int MaxReferenceSeeds = 100;
        /// <summary>The acquisition optimizer needs a pool of at least this many candidates per round.</summary>
        public const int MinCandidates = 100;
        public const int MaxCandidates = 5_000_000;
        public const int MaxRetries = 100;
        /// <summary>2,000,000 s (23.1 days): below Task.Delay's and CancelAfter's limit of int.MaxValue ms (24.8 days).</summary>
        public const double MaxOracleTimeoutSeconds = 2_000_000;
    }

    /// <summary>--proposals, or the deprecated --batch (with a note on stderr) when only that is given.</summary>
    private static int Proposals(System.CommandLine.ParseResult r, Option<int> proposals, Option<int?> batchAlias)
    {
        if (r.GetValue(batchAlias) is not int old) return r.GetValue(proposals);
        if (r.GetResult(proposals) is { Implicit: false })
            throw new UserError("give --proposals only (--batch is its deprecated spelling)");
        Cli.Err.WriteLine("deeptrain: optimize --batch is deprecated; use --proposals (proposals per round)");
        return old;
    }

    /// <summary>Which options the command line gave (the rest may come from a resumed log).</summary>
    private sealed record Given(Func<Option, bool> IsGiven, Option Net, Option Sites, Option Arch, Option Gpu, Option Images, Option Objective,
        Option Oracle, Option Tolerance, Option Budget, Option Proposals, Option BatchAlias, Option Method, Option Acquisition, Option Seed,
        Option ReferenceSeeds, Option Candidates, Option Timeout, Option Retries);

    /// <summary>`optimize --resume LOG` continues with the log's settings: every option the command line does not give
    /// is taken from the log's header (a larger --budget may be given). Logs written before the header recorded its
    /// "launch" settings give the study's own (network name, sites, objective, oracle, …) and the defaults for the rest.</summary>
    private static Args FromLog(Args a, Given g)
    {
        if (a.Resume is null)
            return a.Oracle.Length == 0 ? throw new UserError("optimize needs --oracle (or --resume LOG to continue a study)") : a;
        if (!File.Exists(a.Resume)) return a; // the one-line "not found" comes from StudyLog.Read
        var log = StudyLog.Read(a.Resume);
        var c = log.Config; var l = log.Launch;
        bool G(Option o) => g.IsGiven(o);
        string? S(string k) => l?[k] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out string? x) ? x : null;
        T? N<T>(string k) where T : struct => l?[k] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out T x) ? x : null;
        string? netText = S("net") ?? (c.Network.Length > 0 ? c.Network : null);
        if (!G(g.Net) && !G(g.Sites))
            a = netText is not null ? a with { Net = netText } : a with { Sites = c.SiteCount };
        if (!G(g.Oracle)) a = a with { Oracle = c.Oracle };
        if (!G(g.Objective)) a = a with { Objective = c.Objective };
        if (!G(g.Method)) a = a with { Method = c.Method };
        if (!G(g.Acquisition)) a = a with { Acquisition = c.Acquisition };
        if (!G(g.Tolerance)) a = a with { Tolerance = c.TolerancePercent };
        if (!G(g.Budget)) a = a with { Budget = c.Budget };
        if (!G(g.Proposals) && !G(g.BatchAlias)) a = a with { Batch = c.BatchSize };
        if (!G(g.Seed)) a = a with { Seed = c.Seed };
        if (!G(g.ReferenceSeeds)) a = a with { ReferenceSeeds = c.ReferenceSeeds };
        if (!G(g.Candidates)) a = a with { Candidates = c.Candidates };
        if (!G(g.Arch) && S("arch") is { } arch) a = a with { Arch = arch };
        if (!G(g.Gpu) && S("gpu") is { } gpu) a = a with { Gpu = gpu };
        if (!G(g.Images) && N<int>("images") is int images) a = a with { Images = images };
        if (!G(g.Timeout) && N<double>("timeoutSeconds") is double t) a = a with { TimeoutSeconds = t };
        if (!G(g.Retries) && N<int>("retries") is int retries) a = a with { Retries = retries };
        return a;
    }

    /// <summary>What the log header records beyond the study config, so that --resume LOG alone can continue.</summary>
    private static System.Text.Json.Nodes.JsonObject Launch(Args a) => new()
    {
        ["net"] = a.Net, ["arch"] = a.Arch, ["gpu"] = a.Gpu, ["images"] = a.Images, ["timeoutSeconds"] = a.TimeoutSeconds,
        ["retries"] = a.Retries,
    };

    private sealed record Args(string? Net, int? Sites, string Arch, string Gpu, int Images, string Objective, string Oracle,
        double Tolerance, int Budget, int Batch, string Method, string Acquisition, int Seed, int? ReferenceSeeds, int Candidates,
        double TimeoutSeconds, int Retries, string Out, string? Resume, bool Json, bool Quiet, string? Cluster = null,
        string Host = "127.0.0.1", string? StudyId = null, bool Force = false);

    private static async Task<int> Run(Args a, CancellationToken ct)
    {
        // Cli.Out/Err are per thread; oracle calls resume on pool threads, so capture the writers first.
        var stdout = Cli.Out; var stderr = Cli.Err;
        var request = Request(a);
        StudySetup.Validate(request);
        Network? network = a.Net is null ? null : NetworkSource.Resolve(a.Net);
        var setup = StudySetup.Build(request, network, network is null ? null : ArchSpec.Load(a.Arch));
        var (config, obj, proposer, tables) = (setup.Config, setup.Objective, setup.Proposer, setup.Tables);
        StudyLog.Contents? resumed = null;
        if (a.Resume is not null)
        {
            if (a.Cluster is not null)
                throw new UserError("--resume is for single-node logs; with --cluster re-run the same command: it re-attaches to the study");
            resumed = StudyLog.Read(a.Resume);
            CheckCompatible(resumed.Config, config, a.Resume);
        }
        if (resumed is null && !a.Force && File.Exists(a.Out) && new FileInfo(a.Out).Length > 0)
            throw new UserError($"--out {a.Out} exists: give --resume {a.Out} to continue that study, --force to overwrite it, or another --out");
        if (a.Cluster is null) setup.CreateOracle(); // a missing table file or a bad command fails here, not per call
        var study = await StudyClient.RunAsync(new StudyClient.Target(a.Cluster, a.Host, a.StudyId), setup, network,
            network is null ? null : ArchSpec.Load(a.Arch), a.Out, resumed, a.Resume, a.Quiet || a.Json, stderr, ct, Launch(a)).ConfigureAwait(false);
        // A budget spent on reference calls that all failed ends without the engine asking round 1: same error.
        if (study.State.ReferenceAccuracy is null && study.State.Observations.Any(o => o.IsReference))
            throw new OracleError(Study.NoReferenceMessage(study.State));
        if (NoiseWarning(study.State.ReferenceAccuracy, network?.Classes, Metric(study.State.Config.Oracle)) is { } noise) stderr.WriteLine(noise);
        Summarize(stdout, study, obj, network, tables, a);
        return Cli.ExitOk;
    }

    private static StudyRequest Request(Args a) => new()
    {
        NetworkText = a.Net ?? "", Sites = a.Sites, Objective = a.Objective, Oracle = a.Oracle, Method = a.Method,
        Acquisition = a.Acquisition, Tolerance = a.Tolerance, Budget = a.Budget, Batch = a.Batch, Seed = a.Seed,
        ReferenceSeeds = a.ReferenceSeeds ?? DefaultReferenceSeeds(a.Oracle), Candidates = a.Candidates, Images = a.Images, TimeoutSeconds = a.TimeoutSeconds,
        Retries = a.Retries,
    };

    /// <summary>Reference (all-sites) calls when --reference-seeds is not given: 3 for oracles that train (train:,
    /// command:), whose seeds spread by 10–23 points at 5 epochs (docs/TRAINER.md) against a default tolerance of
    /// 0.5, so one reference seed would set the threshold on noise; 1 for deterministic oracles (table, synthetic, proxy).</summary>
    public static int DefaultReferenceSeeds(string oracle)
    {
        var kind = Kind(oracle);
        return kind is "train" or "command" ? 3 : 1;
    }

    /// <summary>The oracle kind ("table", "command", "proxy", …), lower case.</summary>
    public static string Kind(string oracle)
    {
        int colon = oracle.IndexOf(':');
        return (colon < 0 ? oracle : oracle[..colon]).Trim().ToLowerInvariant();
    }

    /// <summary>What the oracle measures: the proxy reports a trainability score (docs/TRAINER.md), not an accuracy.</summary>
    public static string Metric(string oracle) => Kind(oracle) == "proxy" ? "score" : "accuracy";

    /// <summary>Points above chance (100/classes) below which the reference is taken for an untrained network: the
    /// seed spread at 5 epochs is 10–23 points (docs/TRAINER.md), so a few points above chance is not signal.</summary>
    public const double NoiseMarginPoints = 5;

    /// <summary>The "searching on noise" warning, or null: when the reference accuracy is within
    /// <see cref="NoiseMarginPoints"/> of chance for a network of <paramref name="classes"/> outputs.</summary>
    public static string? NoiseWarning(double? referenceAccuracy, int? classes, string metric)
    {
        if (metric != "accuracy" || referenceAccuracy is not double r || classes is not int c || c < 2) return null;
        double chance = 100.0 / c;
        if (r > chance + NoiseMarginPoints) return null;
        return $"deeptrain: warning: the reference accuracy {r:F2} % is within {NoiseMarginPoints:0} points of chance " +
               $"({chance:F2} % for {c} classes): the study is searching on noise (train longer, or check the oracle)";
    }

    private static void CheckCompatible(StudyConfig log, StudyConfig now, string path)
    {
        void Same<T>(string name, T x, T y) { if (!EqualityComparer<T>.Default.Equals(x, y)) throw new UserError($"--resume {path}: the log has {name} '{x}', the command has '{y}'"); }
        Same("network", log.Network, now.Network); Same("sites", log.SiteCount, now.SiteCount);
        Same("objective", log.Objective, now.Objective); Same("oracle", log.Oracle, now.Oracle);
        Same("method", log.Method, now.Method); Same("tolerance", log.TolerancePercent, now.TolerancePercent);
        Same("batch", log.BatchSize, now.BatchSize); Same("seed", log.Seed, now.Seed);
        Same("reference seeds", log.ReferenceSeeds, now.ReferenceSeeds); Same("acquisition", log.Acquisition, now.Acquisition);
        Same("candidates", log.Candidates, now.Candidates);
    }

    private static void Summarize(TextWriter stdout, Study study, IMaskObjective obj, Network? network, ModelTables? tables, Args a)
    {
        var st = study.State;
        var inc = st.Incumbent;
        double? time = null, timeAll = null, gpuTime = null;
        if (inc is not null && tables is not null && network is not null)
        {
            var ev = new ScalarEvaluator(tables);
            time = ev.TimePerBatchSeconds(inc.Mask);
            timeAll = ev.TimePerBatchSeconds(SiteMask.All(st.SiteCount));
            // GPU baseline: the reference network (all sites) trained on the GPU preset.
            gpuTime = GpuComparison.Compute(a.Gpu, GpuPrecision.Fp32, network, a.Images, SiteMask.All(st.SiteCount)).TimePerBatchSeconds;
        }
        int failures = st.Observations.Count(o => !o.Succeeded);
        var stop = StopReasons.Of(st);
        string metric = Metric(st.Config.Oracle);
        if (a.Json)
        {
            var o = new Dictionary<string, object?>
            {
                ["network"] = st.Config.Network, ["sites"] = st.SiteCount, ["objective"] = obj.Name, ["method"] = st.Config.Method,
                ["mask"] = inc?.Mask.ToString(), ["activeSites"] = inc?.Mask.Count, ["objectiveValue"] = inc?.Objective,
                ["accuracy"] = inc?.MeanAccuracy, ["referenceAccuracy"] = st.ReferenceAccuracy,
                ["referenceSpread"] = st.ReferenceSpread, ["threshold"] = st.ReferenceAccuracy is null ? null : st.Threshold,
                ["oracleCalls"] = st.OracleCalls, ["failedCalls"] = failures,
                ["timePerBatchSeconds"] = time, ["allSitesTimePerBatchSeconds"] = timeAll,
                ["speedupVsAllSites"] = time is null ? null : timeAll / time,
                ["gpu"] = gpuTime is null ? null : a.Gpu, ["gpuTimePerBatchSeconds"] = gpuTime,
                ["speedupVsGpu"] = time is null ? null : gpuTime / time,
                ["log"] = a.Resume ?? a.Out,
                ["metric"] = metric, ["stopReason"] = stop.Word(), ["stopped"] = stop.Sentence(st),
            };
            stdout.WriteLine(JsonSerializer.Serialize(o));
            return;
        }
        var t = new TextTable("quantity", "value");
        t.Add("method", st.Config.Method);
        t.Add("oracle calls", $"{st.OracleCalls} ({failures} failed)");
        string unit = metric == "score" ? "" : " %";
        t.Add($"reference {metric}", st.ReferenceAccuracy is double r ? $"{r:F2}{unit} (spread {st.ReferenceSpread:F2}, threshold {st.Threshold:F2}{unit})" : "n/a");
        if (inc is null) t.Add("result", "no feasible mask found");
        else
        {
            t.Add("mask", inc.Mask.ToString());
            t.Add("active sites", $"{inc.Mask.Count} of {st.SiteCount}");
            t.Add(metric, $"{inc.MeanAccuracy:F2}{unit}");
            t.Add($"objective ({obj.Name})", StudyClient.Fmt(inc.Objective, obj));
            if (time is double tm)
            {
                t.Add("model time per batch", Units.Seconds(tm));
                t.Add("speedup vs all sites", Units.Ratio(timeAll!.Value / tm));
                t.Add($"speedup vs {a.Gpu}", Units.Ratio(gpuTime!.Value / tm));
            }
        }
        t.Add("stopped", stop.Sentence(st));
        t.Add("study log", a.Resume ?? a.Out);
        stdout.Write(t.ToString());
    }
}
