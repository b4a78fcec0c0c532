using System.Diagnostics;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

/// <summary>
/// Issue 12 item 17: kill -9 of the coordinator and a restart on the same port gave a new cluster of one; the old
/// workers and the client never rejoined. Here the coordinator is a real `deeptrain node` process (self-seeded, no
/// --join), killed with SIGKILL mid-study and restarted on the same port and store; the worker and the client are
/// in-process <see cref="ClusterNode"/>s exactly as `deeptrain node` and `optimize --cluster` run them.
/// </summary>
public sealed class ClusterRejoinTests
{
    /// <summary>Accuracy = 80 + active sites, after 0.3 s.</summary>
    private const string Oracle = "command:/bin/sh -c 'sleep 0.3; n=$(printf %s {mask} | tr -cd 1 | wc -c); echo \"{\\\"accuracy\\\": $((80 + n))}\"'";

    /// <summary>Notice the lost coordinator in about 2 s, and decide 1 s later (cluster.hocon says 5 s).</summary>
    private const string Quick = """
        akka.cluster.failure-detector.heartbeat-interval = 300ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 1500ms
        akka.cluster.split-brain-resolver.stable-after = 1s
        akka.cluster.seed-node-timeout = 1s
        akka.cluster.retry-unsuccessful-join-after = 1s
        """;

    private static Process StartCoordinator(int port, string db)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var p = Process.Start(new ProcessStartInfo(dotnet)
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "deeptrain.dll"), "node", "--role", "coordinator", "--port", $"{port}",
                             "--store", db, "--chunk", "128" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        p.OutputDataReceived += (_, _) => { }; p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine(); p.BeginErrorReadLine();
        return p;
    }

    [Fact]
    public async Task WorkersAndTheClientRejoinACoordinatorKilledAndRestartedOnTheSamePort()
    {
        var db = TempDb();
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        var coordinator = StartCoordinator(port, db);
        Process? restarted = null;
        var worker = ClusterNode.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"], ExtraHocon = Quick },
            sys => StudyTopology.StartStudyWorkers(sys, new OracleAllowList(["/bin/sh"]), 3, 1), null);
        var client = ClusterNode.Start(new NodeOptions { Seeds = [seed], Roles = [ClusterStudyClient.ClientRole], ExtraHocon = Quick },
            _ => { }, null);
        try
        {
            var submit = new SubmitStudy("rejoin", "", "", "", 10, "sites", Oracle, "bo", "ei", 3, 12, 3, 3, 1, 300, 64, 60, 0);
            int observed = 0;
            var some = new TaskCompletionSource();
            var run = ClusterStudyClient.RunAsync(client, submit, _ => { }, r =>
            {
                if (Interlocked.Add(ref observed, r.Observations.Length) >= 2) some.TrySetResult();
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), 0, 0);
            await Task.WhenAny(some.Task, run).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.False(run.IsCompleted, run.Exception?.GetBaseException().Message ?? "finished before the kill");

            coordinator.Kill(entireProcessTree: true); // SIGKILL: no leave, no goodbye
            await coordinator.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            restarted = StartCoordinator(port, db);     // same address, new UID

            var records = await run.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.True(records.Finished);
            Assert.True(worker.Incarnations >= 2, "the worker never re-joined");
            Assert.True(client.Incarnations >= 2, "the client never re-joined");
            using var store = new StudyStore(db);
            var stored = store.Observations("rejoin");
            Assert.Equal(12, stored.Count);                                  // nothing lost
            Assert.Equal(12, stored.Select(o => o.Mask).Distinct().Count()); // nothing measured twice
            Assert.Equal(12, observed);                                      // the client streamed every one
        }
        finally
        {
            foreach (var p in new[] { coordinator, restarted })
                if (p is { HasExited: false }) p.Kill(entireProcessTree: true);
            await Task.WhenAll(worker.StopAsync(), client.StopAsync()).WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
