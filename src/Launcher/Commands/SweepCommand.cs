using System.CommandLine;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Sweeps;
using DeepTrain.Launcher.Output;
using DeepTrain.Model;

namespace DeepTrain.Launcher.Commands;

/// <summary>
/// `deeptrain sweep SPEC.json --out results.csv [--cluster HOST:PORT]`: evaluates every point of the spec, streaming
/// rows to CSV in point order (resumable: rerunning with the same --out skips finished points) and the Pareto front
/// to results.csv.pareto.csv. Without --cluster it runs the same actors in this process with no port opened.
/// </summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("SPEC") { Description = "Sweep spec JSON (networks, archs, parameters, batchSizes, sitePolicies)." };
        var output = new Option<string>("--out") { Description = "CSV file for the rows.", Required = true };
        var cluster = new Option<string?>("--cluster") { Description = "Seed HOST:PORT of a running cluster (worker nodes do the work)." };
        var host = new Option<string>("--host") { Description = "Address this submitter binds with --cluster.", DefaultValueFactory = _ => "127.0.0.1" };
        var workers = new Option<int>("--workers") { Description = "Local sweep workers without --cluster.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var chunk = new Option<int>("--chunk") { Description = "Points per work chunk.", DefaultValueFactory = _ => 4096 };
        var quiet = new Option<bool>("--quiet") { Description = "No progress lines." };
        var cmd = new Command("sweep", "Evaluate a design-space sweep, locally or on a cluster, streaming rows to CSV.")
            { spec, output, cluster, host, workers, chunk, quiet };
        cmd.SetAction(r =>
        {
            var path = r.GetValue(spec)!;
            if (!File.Exists(path)) throw new UserError($"sweep spec '{path}' not found");
            var plan = SweepPlan.Parse(File.ReadAllText(path));
            int chunkPoints = r.GetValue(chunk), w = r.GetValue(workers);
            if (chunkPoints < 1 || w < 1) throw new UserError("--chunk and --workers must be at least 1");
            using var csv = SweepCsv.OpenForResume(plan, r.GetValue(output)!);
            long resume = csv.RowsWritten;
            using var progress = new Progress("sweep points", plan.TotalPoints - resume, r.GetValue(quiet), Cli.Err);
            long last = resume;
            csv.Progress = n => { progress.Advance(n - last); last = n; };
            if (resume > 0) Cli.Err.WriteLine($"sweep: resuming after {resume} of {plan.TotalPoints} points");
            if (r.GetValue(cluster) is { } seed)
            {
                var options = new NodeOptions { Host = r.GetValue(host)!, Seeds = [ClusterHost.NormalizeSeed(seed)], Roles = [SweepRunner.SubmitterRole] }.WithEnvironment();
                using var system = ClusterHost.Start(options);
                var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                SweepRunner.StartSubmitter(system, plan, csv, resume, chunkPoints, TimeSpan.FromMinutes(5), done);
                done.Task.Wait();
                system.Terminate().Wait(TimeSpan.FromSeconds(10));
            }
            else SweepRunner.RunLocal(plan, csv, resume, w, chunkPoints).Wait();
            Cli.Out.WriteLine($"sweep: {plan.TotalPoints} points in {r.GetValue(output)}, Pareto front in {r.GetValue(output)}.pareto.csv");
            return Cli.ExitOk;
        });
        return cmd;
    }
}
