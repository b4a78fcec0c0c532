using System.Diagnostics;
using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Study;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

/// <summary>A real `deeptrain node --role worker` process is killed (SIGKILL) while it runs oracle calls.</summary>
public sealed class WorkerProcessKillTests
{
    /// <summary>Accuracy = 80 + active sites, after half a second: a slow training program, without a shell on our
    /// side (the oracle runs /bin/sh as a program, which the worker must allow explicitly).</summary>
    private const string Oracle = "command:/bin/sh -c 'sleep 0.5; n=$(printf %s {mask} | tr -cd 1 | wc -c); echo \"{\\\"accuracy\\\": $((80 + n))}\"'";

    private sealed class SameAccuracy : IAccuracyOracle
    {
        public string Name => "same";
        public Task<OracleResult> EvaluateAsync(OracleRequest r, CancellationToken ct) => Task.FromResult(OracleResult.Ok(80 + r.Mask.Count));
    }

    [Fact]
    public async Task KillingAWorkerProcessMidOracleLosesNoObservation()
    {
        var request = new StudyRequest { Oracle = Oracle, Sites = 10, Objective = "sites", Budget = 10, Batch = 3, Seed = 3, Candidates = 300, Tolerance = 3 };
        var setup = StudySetup.Build(request, null, null);
        var reference = new Study(setup.Config, setup.Objective, setup.Proposer);
        await StudyRunner.RunAsync(reference, new SameAccuracy(), null);

        var db = TempDb();
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        using var store = new StudyStore(db);
        var coord = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = ["coordinator"] });
        StudyTopology.StartStudyHostSingleton(coord, store, 128);
        var client = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["client"] });
        ActorSystem? healthy = null;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var worker = Process.Start(new ProcessStartInfo(dotnet)
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "deeptrain.dll"), "node", "--role", "worker", "--join", seed,
                             "--workers", "0", "--oracle-slots", "3", "--allow-oracle", "/bin/sh" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        worker.OutputDataReceived += (_, _) => { }; worker.ErrorDataReceived += (_, _) => { };
        worker.BeginOutputReadLine(); worker.BeginErrorReadLine();
        try
        {
            var submit = new SubmitStudy("kill", "", "", "", request.Sites!.Value, request.Objective, request.Oracle, "bo", "ei",
                request.Tolerance, request.Budget, request.Batch, request.Seed, 1, request.Candidates, 64, 60, 0);
            int observed = 0;
            var accepted = new TaskCompletionSource();
            var run = ClusterStudyClient.RunAsync(client, submit, _ => accepted.TrySetResult(), r => Interlocked.Add(ref observed, r.Observations.Length),
                TimeSpan.FromSeconds(60));
            await Task.WhenAny(accepted.Task, run).WaitAsync(TimeSpan.FromSeconds(60));
            // Wait until the worker process holds a full round of calls (after the reference), then kill it.
            var proxy = StudyTopology.CoordinatorProxy(coord, "probe");
            var until = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var s = await proxy.Ask<StudyStatus>(new GetStudyStatus("kill"), TimeSpan.FromSeconds(10));
                if (s.Observations >= 1 && s.InFlight >= 2) break;
                Assert.False(run.IsCompleted, run.Exception?.GetBaseException().Message);
                Assert.True(DateTime.UtcNow < until, "the worker process never got a round of calls");
                await Task.Delay(50);
            }
            int before = Volatile.Read(ref observed);
            worker.Kill(entireProcessTree: true);
            healthy = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
            StudyTopology.StartStudyWorkers(healthy, new OracleAllowList(["/bin/sh"]), 3, 1);
            await run.WaitAsync(TimeSpan.FromSeconds(90));

            var stored = store.Observations("kill").OrderBy(o => o.ProposalId).ToList();
            Assert.Equal(reference.State.Observations.Select(o => (o.Mask, o.AccuracyPercent!.Value)), stored.Select(o => (o.Mask, o.Accuracy)));
            Assert.All(stored, o => Assert.Null(o.Error));
            Assert.True(before < request.Budget);
            Assert.Contains(stored, o => o.WorkerId.Contains(((ExtendedActorSystem)healthy).Provider.DefaultAddress.ToString()));
        }
        finally
        {
            if (!worker.HasExited) worker.Kill(entireProcessTree: true);
            await Task.WhenAll(new[] { coord, client, healthy }.OfType<ActorSystem>().Select(s => s.Terminate()));
        }
    }
}
