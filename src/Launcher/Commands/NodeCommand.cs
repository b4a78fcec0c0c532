using System.CommandLine;
using Akka.Actor;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using DeepTrain.Model;

namespace DeepTrain.Launcher.Commands;

/// <summary>
/// `deeptrain node`: starts one cluster node configured by cluster.hocon, these options and DEEPTRAIN_* variables,
/// and runs until Ctrl-C (then leaves the cluster gracefully). A coordinator node hosts submitted studies (the
/// StudyHost singleton, observations in --store); worker nodes run an evaluation worker (oracle calls, at most
/// --oracle-slots at a time), acquisition workers (BO candidate scoring) and sweep workers, all pulling work.
/// </summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "coordinator or worker.", Required = true };
        var host = new Option<string>("--host") { Description = "Address to bind and advertise.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = Cli.IntOption("--port", "TCP port (0 = any free port).", 0, 0, 65535);
        var join = new Option<string[]>("--join") { Description = "Seed HOST:PORT (repeatable); none: this node is the seed.", AllowMultipleArgumentsPerToken = false };
        var seeds = new Option<string[]>("--seed") { Description = "Deprecated alias of --join.", AllowMultipleArgumentsPerToken = false, Hidden = true };
        var workers = Cli.IntOption("--workers", "Sweep and acquisition workers each.", Environment.ProcessorCount, 0, 1024);
        var slots = Cli.IntOption("--oracle-slots", "Oracle calls run at once on a worker.", 1, 0, 1024);
        var chunk = Cli.IntOption("--chunk", "Candidates per BO chunk.", 4096, 1, 5_000_000);
        var store = new Option<string>("--store") { Description = "Coordinator: study store (SQLite).", DefaultValueFactory = _ => "deeptrain-studies.db" };
        var allow = new Option<string[]>("--allow-oracle") { Description = "Command-oracle program allowed (repeatable, * ? wildcards)." };
        var tls = new Option<string?>("--tls-cert") { Description = "PKCS#12 certificate: mutual TLS (docs/CLUSTER.md)." };
        var pin = new Option<string?>("--tls-pin") { Description = "Accept only peers with this certificate thumbprint." };
        var cmd = new Command("node", "Run a DeepTrain cluster node (coordinator or worker) until Ctrl-C.")
            { role, host, port, join, seeds, workers, slots, store, chunk, allow, tls, pin };
        cmd.SetAction(r =>
        {
            var roleName = r.GetValue(role)!.Trim().ToLowerInvariant();
            if (roleName is not ("coordinator" or "worker")) throw new UserError($"--role must be coordinator or worker, got '{roleName}'");
            int n = r.GetValue(workers);
            if (n < 0) throw new UserError($"--workers must be at least 0, got {n}");
            int oracleSlots = r.GetValue(slots), chunkCandidates = r.GetValue(chunk);
            if (chunkCandidates < 1) throw new UserError($"--chunk must be at least 1, got {chunkCandidates}");
            if (oracleSlots < 0) throw new UserError($"--oracle-slots must be at least 0, got {oracleSlots}");
            var options = new NodeOptions
            {
                Host = r.GetValue(host)!, Port = r.GetValue(port),
                Seeds = (r.GetValue(join) ?? []).Concat(r.GetValue(seeds) ?? []).Select(ClusterHost.NormalizeSeed).ToArray(),
                Roles = [roleName],
                TlsCertificatePath = r.GetValue(tls),
                TlsCertificatePassword = Environment.GetEnvironmentVariable("DEEPTRAIN_TLS_PASSWORD"),
                TlsPinnedThumbprint = r.GetValue(pin),
            }.WithEnvironment();
            if ((r.GetValue(seeds) ?? []).Length > 0) Cli.Err.WriteLine("deeptrain node: --seed is deprecated; use --join HOST:PORT");
            var allowList = new OracleAllowList(r.GetValue(allow) ?? []);
            StudyStore? studies = null;
            if (roleName == "coordinator")
            {
                var path = r.GetValue(store)!;
                try { studies = new StudyStore(path); }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
                { throw new UserError($"--store {path}: {e.Message}"); }
            }
            using var _ = studies;
            // The node outlives its ActorSystem: downed or removed (its coordinator was lost), it starts a fresh one
            // and re-joins (ClusterNode); a bind error is a one-line UserError naming the address and port.
            var node = ClusterNode.Start(options, system =>
            {
                if (roleName == "worker")
                {
                    SweepRunner.StartWorkers(system, n);
                    StudyTopology.StartStudyWorkers(system, allowList, oracleSlots, n);
                }
                else StudyTopology.StartStudyHostSingleton(system, studies!, chunkCandidates);
            }, Cli.Err);
            var addr = ((ExtendedActorSystem)node.System).Provider.DefaultAddress;
            Cli.Out.WriteLine($"deeptrain node: {roleName} at {addr.Host}:{addr.Port}, " +
                              (options.Seeds.Count == 0 ? "its own seed, " : $"joining [{string.Join(", ", options.Seeds)}], ") +
                              (roleName == "worker"
                                  ? $"{n} sweep + {n} acquisition workers, {oracleSlots} oracle slots, allowed command oracles [{string.Join(", ", allowList.Patterns)}]"
                                  : $"studies in {r.GetValue(store)}"));
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
            var ended = Task.WhenAny(stopped.Task, node.Completion).GetAwaiter().GetResult();
            if (ended == node.Completion) node.Completion.GetAwaiter().GetResult(); // a failed restart: its UserError
            node.StopAsync().GetAwaiter().GetResult();
            return Cli.ExitOk;
        });
        return cmd;
    }
}
