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
        var net = new Option<string?>("--net") { Description = "Zoo name or network JSON (for time/energy)." };
        var sites = new Option<int?>("--sites") { Description = "Site count when there is no --net." };
        var arch = new Option<string>("--arch") { Description = "Preset or spec file.", DefaultValueFactory = _ => "deeptrain" };
        var gpu = new Option<string>("--gpu") { Description = "GPU preset for the speedup line.", DefaultValueFactory = _ => "v100" };
        var images = new Option<int>("--images") { Description = "Images per training batch for the model.", DefaultValueFactory = _ => 64 };
        var objective = new Option<string>("--objective") { Description = "time, sites or energy.", DefaultValueFactory = _ => "time" };
        var oracle = new Option<string>("--oracle") { Description = "table:F.csv, command:\"PROG ARG\", train:…, proxy, synthetic:…", Required = true };
        var tolerance = new Option<double>("--tolerance") { Description = "Allowed accuracy loss vs all sites (points).", DefaultValueFactory = _ => 0.5 };
        var budget = new Option<int>("--budget") { Description = "Oracle calls in total, reference included.", DefaultValueFactory = _ => 60 };
        var batch = new Option<int>("--batch") { Description = "Proposals per round (parallel oracle calls).", DefaultValueFactory = _ => 4 };
        var method = new Option<string>("--method") { Description = "bo, random, greedy or everyk.", DefaultValueFactory = _ => "bo" };
        var acq = new Option<string>("--acquisition") { Description = "ei, pf, ucb or ts.", DefaultValueFactory = _ => "ei" };
        var seed = new Option<int>("--seed") { Description = "Study seed (passed to the oracle).", DefaultValueFactory = _ => 1 };
        var refSeeds = new Option<int>("--reference-seeds") { Description = "All-sites measurements (seed, seed+1…).", DefaultValueFactory = _ => 1 };
        var candidates = new Option<int>("--candidates") { Description = "Candidates scored per round.", DefaultValueFactory = _ => 20000 };
        var timeout = new Option<double>("--oracle-timeout") { Description = "Seconds per oracle call.", DefaultValueFactory = _ => 86400 };
        var retries = new Option<int>("--retries") { Description = "Extra attempts for a failed oracle call.", DefaultValueFactory = _ => 1 };
        var outFile = new Option<string>("--out") { Description = "Study log (JSONL).", DefaultValueFactory = _ => "study.jsonl" };
        var resume = new Option<string?>("--resume") { Description = "Continue the study in this log." };
        var cluster = new Option<string?>("--cluster") { Description = "Run on a cluster: seed HOST:PORT (docs/CLUSTER.md)." };
        var host = new Option<string>("--host") { Description = "Bind address with --cluster.", DefaultValueFactory = _ => "127.0.0.1" };
        var studyId = new Option<string?>("--study-id") { Description = "Cluster study id (default: settings hash)." };
        var json = Cli.JsonOption(); var quiet = Cli.QuietOption();
        var cmd = new Command("optimize", "Search the normalization sites to drop while keeping accuracy (Bayesian optimization).")
            { net, sites, arch, gpu, images, objective, oracle, tolerance, budget, batch, method, acq, seed, refSeeds, candidates,
              timeout, retries, outFile, resume, cluster, host, studyId, json, quiet };
        cmd.SetAction((r, ct) => Run(new Args(r.GetValue(net), r.GetValue(sites), r.GetValue(arch)!, r.GetValue(gpu)!, r.GetValue(images),
            r.GetValue(objective)!, r.GetValue(oracle)!, r.GetValue(tolerance), r.GetValue(budget), r.GetValue(batch), r.GetValue(method)!,
            r.GetValue(acq)!, r.GetValue(seed), r.GetValue(refSeeds), r.GetValue(candidates), r.GetValue(timeout), r.GetValue(retries),
            r.GetValue(outFile)!, r.GetValue(resume), r.GetValue(json), r.GetValue(quiet), r.GetValue(cluster), r.GetValue(host)!,
            r.GetValue(studyId)), ct));
        return cmd;
    }

    private sealed record Args(string? Net, int? Sites, string Arch, string Gpu, int Images, string Objective, string Oracle,
        double Tolerance, int Budget, int Batch, string Method, string Acquisition, int Seed, int ReferenceSeeds, int Candidates,
        double TimeoutSeconds, int Retries, string Out, string? Resume, bool Json, bool Quiet, string? Cluster = null,
        string Host = "127.0.0.1", string? StudyId = null);

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
        if (a.Cluster is null) setup.CreateOracle(); // a missing table file or a bad command fails here, not per call
        var study = await StudyClient.RunAsync(new StudyClient.Target(a.Cluster, a.Host, a.StudyId), setup, network,
            network is null ? null : ArchSpec.Load(a.Arch), a.Out, resumed, a.Resume, a.Quiet || a.Json, stderr, ct).ConfigureAwait(false);
        Summarize(stdout, study, obj, network, tables, a);
        return Cli.ExitOk;
    }

    private static StudyRequest Request(Args a) => new()
    {
        NetworkText = a.Net ?? "", Sites = a.Sites, Objective = a.Objective, Oracle = a.Oracle, Method = a.Method,
        Acquisition = a.Acquisition, Tolerance = a.Tolerance, Budget = a.Budget, Batch = a.Batch, Seed = a.Seed,
        ReferenceSeeds = a.ReferenceSeeds, Candidates = a.Candidates, Images = a.Images, TimeoutSeconds = a.TimeoutSeconds,
        Retries = a.Retries,
    };

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
            };
            stdout.WriteLine(JsonSerializer.Serialize(o));
            return;
        }
        var t = new TextTable("quantity", "value");
        t.Add("method", st.Config.Method);
        t.Add("oracle calls", $"{st.OracleCalls} ({failures} failed)");
        t.Add("reference accuracy", st.ReferenceAccuracy is double r ? $"{r:F2} % (spread {st.ReferenceSpread:F2}, threshold {st.Threshold:F2} %)" : "n/a");
        if (inc is null) t.Add("result", "no feasible mask found");
        else
        {
            t.Add("mask", inc.Mask.ToString());
            t.Add("active sites", $"{inc.Mask.Count} of {st.SiteCount}");
            t.Add("accuracy", $"{inc.MeanAccuracy:F2} %");
            t.Add($"objective ({obj.Name})", StudyClient.Fmt(inc.Objective, obj));
            if (time is double tm)
            {
                t.Add("model time per batch", Units.Seconds(tm));
                t.Add("speedup vs all sites", Units.Ratio(timeAll!.Value / tm));
                t.Add($"speedup vs {a.Gpu}", Units.Ratio(gpuTime!.Value / tm));
            }
        }
        t.Add("study log", a.Resume ?? a.Out);
        stdout.Write(t.ToString());
    }
}
