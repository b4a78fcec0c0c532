using System.CommandLine;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Sweeps;
using DeepTrain.Launcher.Output;
using DeepTrain.Model;

namespace DeepTrain.Launcher.Commands;

/// <summary>
/// `deeptrain sweep SPEC.json --out results.csv [--rows all|front] [--cluster HOST:PORT]`: evaluates every point of
/// the spec, streaming rows to CSV in point order (resumable: rerunning with the same --out skips finished points)
/// and the Pareto front to results.csv.pareto.csv. With `--rows front` no rows travel or are written: workers send
/// their chunks' fronts, the front is checkpointed with results.csv.progress, and a rerun resumes after it. Without
/// --cluster it runs the same actors in this process with no port opened.
/// </summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("SPEC") { Description = "Sweep spec JSON (networks, archs, parameters, batchSizes, sitePolicies)." };
        var output = new Option<string>("--out") { Description = "Rows CSV; also OUT.pareto.csv and OUT.top.csv.", Required = true };
        var rows = new Option<string>("--rows")
        {
            Description = "all: every row to OUT; front: only OUT.pareto.csv (no OUT).",
            DefaultValueFactory = _ => "all",
        };
        var cluster = new Option<string?>("--cluster") { Description = "Seed HOST:PORT of a running cluster (worker nodes do the work)." };
        var host = new Option<string>("--host") { Description = "Address this submitter binds with --cluster.", DefaultValueFactory = _ => "127.0.0.1" };
        var workers = Cli.IntOption("--workers", "Local workers without --cluster.", Environment.ProcessorCount, 1, 1024);
        var chunk = Cli.IntOption("--chunk", "Points per work chunk.", 4096, 1, 1 << 20);
        var quiet = Cli.QuietOption();
        var cmd = new Command("sweep", "Evaluate a design-space sweep, locally or on a cluster, streaming rows to CSV.")
            { spec, output, rows, cluster, host, workers, chunk, quiet };
        cmd.SetAction(r =>
        {
            var path = r.GetValue(spec)!;
            if (!File.Exists(path)) throw new UserError($"sweep spec '{path}' not found");
            var mode = r.GetValue(rows)!;
            if (mode is not ("all" or "front")) throw new UserError($"--rows must be all or front, got '{mode}'");
            bool frontOnly = mode == "front";
            var plan = SweepPlan.Parse(File.ReadAllText(path));
            int chunkPoints = r.GetValue(chunk), w = r.GetValue(workers);
            if (chunkPoints < 1 || w < 1) throw new UserError("--chunk and --workers must be at least 1");
            var outPath = r.GetValue(output)!;
            using var csv = frontOnly ? null : SweepCsv.OpenForResume(plan, outPath);
            var fronts = frontOnly ? SweepFrontFile.OpenForResume(plan, outPath) : null;
            ISweepSink sink = (ISweepSink?)csv ?? fronts!;
            long resume = csv?.RowsWritten ?? fronts!.ResumeFrom;
            using var progress = new Progress("sweep points", plan.TotalPoints - resume, r.GetValue(quiet), Cli.Err);
            long last = resume;
            Action<long> advance = n => { progress.Advance(n - last); last = n; };
            if (csv is not null) csv.Progress = advance; else fronts!.Progress = advance;
            if (resume > 0) Cli.Err.WriteLine($"sweep: resuming after {resume} of {plan.TotalPoints} points");
            if (r.GetValue(cluster) is { } seed)
            {
                var options = new NodeOptions { Host = r.GetValue(host)!, Seeds = [ClusterHost.NormalizeSeed(seed)], Roles = [SweepRunner.SubmitterRole] }.WithEnvironment();
                using var system = ClusterHost.Start(options);
                var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                SweepRunner.StartSubmitter(system, plan, sink, resume, chunkPoints, TimeSpan.FromMinutes(5), done, frontOnly);
                done.Task.Wait();
                system.Terminate().Wait(TimeSpan.FromSeconds(10));
            }
            else SweepRunner.RunLocal(plan, sink, resume, w, chunkPoints, frontOnly: frontOnly).Wait();
            Cli.Out.WriteLine(frontOnly
                ? $"sweep: {plan.TotalPoints} points, Pareto front in {outPath}.pareto.csv{TopNote(plan, outPath)} ({outPath} not written: --rows front)"
                : $"sweep: {plan.TotalPoints} points in {outPath}, Pareto front in {outPath}.pareto.csv{TopNote(plan, outPath)}");
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static string TopNote(SweepPlan plan, string outPath) =>
        plan.Top > 0 ? $", best {plan.Top} per metric in {outPath}.top.csv" : "";
}
