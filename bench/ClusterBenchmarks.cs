using System.Diagnostics;
using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Serialization;
using DeepTrain.Actors.Sweeps;

namespace DeepTrain.Bench;

/// <summary>
/// Cluster measurements (a plain timing tool, not BenchmarkDotNet: each case starts ActorSystems on loopback).
/// Run: dotnet run -c Release --project bench -- cluster
/// Prints: remote round trip, serializer cost per sweep chunk, sweep points/s single process vs 2 worker nodes.
/// </summary>
public static class ClusterBenchmarks
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<Ping>(p => Sender.Tell(new Pong(p.Nonce, "")));
    }

    private sealed class CountingSink : ISweepSink
    {
        public long Rows;
        public void Write(IReadOnlyList<SweepRow> rows) => Rows += rows.Count;
        public void Finish(IReadOnlyList<SweepRow> front) { }
    }

    public const string Spec = """
        { "networks": ["resnet110", "vgg16"], "archs": ["deeptrain"], "batchSizes": [64, 256],
          "parameters": { "crossbar.rows": { "grid": [128, 256] } },
          "sitePolicies": ["all", "none", "every-2", "fastest-per-k"] }
        """;

    public static void Run(string[] args)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        RoundTrip();
        ChunkCost();
        SweepThroughput();
    }

    private static void RoundTrip()
    {
        using var a = ClusterHost.Start(new NodeOptions { SystemName = "bench" });
        using var b = ClusterHost.Start(new NodeOptions { SystemName = "bench" });
        a.ActorOf(Props.Create(() => new Echo()), "echo");
        var echo = b.ActorSelection(new RootActorPath(((ExtendedActorSystem)a).Provider.DefaultAddress) / "user" / "echo")
            .ResolveOne(TimeSpan.FromSeconds(10)).Result;
        for (int i = 0; i < 500; i++) echo.Ask<Pong>(new Ping(i), TimeSpan.FromSeconds(5)).Wait();
        const int n = 3000;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) echo.Ask<Pong>(new Ping(i), TimeSpan.FromSeconds(5)).Wait();
        Console.WriteLine($"remote ask round trip (loopback, sequential): {sw.Elapsed.TotalMicroseconds / n:F0} us");
        // Pipelined: many small messages in flight, the throughput bound for tiny messages.
        var tasks = new Task[n];
        sw.Restart();
        for (int i = 0; i < n; i++) tasks[i] = echo.Ask<Pong>(new Ping(i), TimeSpan.FromSeconds(20));
        Task.WaitAll(tasks);
        Console.WriteLine($"remote messages pipelined: {n / sw.Elapsed.TotalSeconds:F0} round trips/s");
        Task.WaitAll(a.Terminate(), b.Terminate());
    }

    private static void ChunkCost()
    {
        using var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "ser" });
        var ser = new ContractSerializer((ExtendedActorSystem)sys);
        var plan = SweepPlan.Parse(Spec);
        var eval = new SweepEvaluator(plan);
        foreach (int chunk in new[] { 64, 1024, 4096 })
        {
            int count = (int)Math.Min(chunk, plan.TotalPoints);
            eval.Evaluate(0, count); // warm the table cache
            var sw = Stopwatch.StartNew();
            int reps = 0;
            (SweepRow[] Rows, long[] Pareto) r = default;
            while (sw.ElapsedMilliseconds < 300) { r = eval.Evaluate(0, count); reps++; }
            double evalUs = sw.Elapsed.TotalMicroseconds / reps;
            var msg = new SweepChunkResult("s", 0, r.Rows, r.Pareto);
            sw.Restart(); reps = 0; byte[] bytes = [];
            while (sw.ElapsedMilliseconds < 300) { bytes = ser.ToBinary(msg); ser.FromBinary(bytes, "sx"); reps++; }
            double serUs = sw.Elapsed.TotalMicroseconds / reps;
            Console.WriteLine($"sweep chunk {count} points: evaluate+reduce {evalUs:F0} us, result {bytes.Length} bytes, serialize+deserialize {serUs:F0} us");
        }
    }

    private static void SweepThroughput()
    {
        var plan = SweepPlan.Parse(Spec);
        foreach (int workers in new[] { 1, 2 })
        {
            var sink = new CountingSink();
            var sw = Stopwatch.StartNew();
            SweepRunner.RunLocal(plan, sink, 0, workers, 1024).Wait();
            Console.WriteLine($"sweep single process, {workers} worker(s): {plan.TotalPoints} points, {plan.TotalPoints / sw.Elapsed.TotalSeconds:F0} points/s (incl. model tables)");
        }
        int port;
        { var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0); l.Start(); port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port; l.Stop(); }
        var seed = $"127.0.0.1:{port}";
        using var sub = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = [SweepRunner.SubmitterRole] });
        using var w1 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        using var w2 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        var c = new CountingSink();
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Stopwatch.StartNew();
        SweepRunner.StartSubmitter(sub, plan, c, 0, 1024, TimeSpan.FromMinutes(5), done);
        SweepRunner.StartWorkers(w1, 1);
        SweepRunner.StartWorkers(w2, 1);
        done.Task.Wait();
        Console.WriteLine($"sweep 2 worker nodes on loopback: {plan.TotalPoints} points, {plan.TotalPoints / watch.Elapsed.TotalSeconds:F0} points/s (incl. cluster join)");
        Task.WaitAll(w1.Terminate(), w2.Terminate(), sub.Terminate());
    }
}
