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
        public long Rows, Reduced;
        public void Write(IReadOnlyList<SweepRow> rows) => Rows += rows.Count;
        public void Finish(IReadOnlyList<SweepRow> front) { }
        void ISweepSink.Reduced(long pointsDone) => Reduced = pointsDone;
    }

    /// <summary>The original small spec (520 points): chunk costs with warm model tables.</summary>
    public const string Spec = """
        { "networks": ["resnet110", "vgg16"], "archs": ["deeptrain"], "batchSizes": [64, 256],
          "parameters": { "crossbar.rows": { "grid": [128, 256] } },
          "sitePolicies": ["all", "none", "every-2", "fastest-per-k"] }
        """;

    /// <summary>A sweep big enough to last seconds here (3,200 configs, mostly small ones: model tables dominate).</summary>
    public const string LargeSpec = """
        { "networks": ["resnet110", "resnet56", "resnet152", "resnet110-cifar100", "resnet56-cifar100"], "archs": ["deeptrain"],
          "batchSizes": [32, 64, 128, 256],
          "parameters": { "crossbar.rows": { "grid": [64, 128, 256, 512] },
                          "organization.tiles": { "random": { "min": 256, "max": 2048, "count": 10, "integer": true } } },
          "sitePolicies": ["all", "none", "every-2", "fastest-per-k"] }
        """;

    /// <summary>Only fastest-per-k configs of deep networks (~100 points per config), so a 4,096-point chunk spans
    /// ~40 configs and stays in the evaluator's table cache: per-chunk costs with warm tables.</summary>
    public const string DenseSpec = """
        { "networks": ["resnet110", "resnet152"], "archs": ["deeptrain"], "batchSizes": [32, 64, 128, 256],
          "parameters": { "crossbar.rows": { "grid": [64, 128, 256] },
                          "organization.tiles": { "random": { "min": 256, "max": 2048, "count": 4, "integer": true } } },
          "sitePolicies": ["fastest-per-k"] }
        """;

    public static void Run(string[] args)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"load: {Load()}");
        RoundTrip();
        ChunkCost();
        SweepThroughput();
        Console.WriteLine($"load: {Load()}");
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

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
        RoundTripUs = sw.Elapsed.TotalMicroseconds / n;
        Console.WriteLine($"remote ask round trip (loopback, sequential): {RoundTripUs:F0} us");
        // Pipelined: many small messages in flight, the throughput bound for tiny messages.
        var tasks = new Task[n];
        sw.Restart();
        for (int i = 0; i < n; i++) tasks[i] = echo.Ask<Pong>(new Ping(i), TimeSpan.FromSeconds(20));
        Task.WaitAll(tasks);
        Console.WriteLine($"remote messages pipelined: {n / sw.Elapsed.TotalSeconds:F0} round trips/s");
        Task.WaitAll(a.Terminate(), b.Terminate());
    }

    private static double RoundTripUs = 500;

    /// <summary>Mean microseconds of <paramref name="body"/> over at least <paramref name="ms"/> ms.</summary>
    private static double Time(Action body, int ms = 300)
    {
        body();
        var sw = Stopwatch.StartNew();
        int reps = 0;
        while (sw.ElapsedMilliseconds < ms) { body(); reps++; }
        return sw.Elapsed.TotalMicroseconds / reps;
    }

    /// <summary>
    /// Per chunk, with the chunk's model tables already built (the steady state of a long sweep): evaluation, and
    /// the messaging of its result — full rows vs front only. "Messaging" = result serialize+deserialize; the
    /// worker also waits one round trip per chunk for its next chunk (pull), shown as "+ round trip".
    /// </summary>
    private static void ChunkCost()
    {
        using var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "ser" });
        var ser = new ContractSerializer((ExtendedActorSystem)sys);
        var plan = SweepPlan.Parse(DenseSpec);
        var eval = new SweepEvaluator(plan);
        Console.WriteLine($"chunk costs, dense spec ({plan.TotalPoints} points, {plan.Configs.Count} configs); evaluation with warm"
            + " model tables (cold = a fresh evaluator: the chunk's tables built, as in a real sweep):");
        foreach (int chunk in new[] { 64, 256, 1024, 4096 })
        {
            long first = plan.TotalPoints / 3;
            int count = (int)Math.Min(chunk, plan.TotalPoints - first);
            (SweepRow[] Rows, long[] Pareto) all = ([], []); // set by Time below
            (SweepRow[] Front, int Points) front = ([], 0);
            double allUs = Time(() => all = eval.Evaluate(first, count));
            double frontUs = Time(() => front = eval.EvaluateFront(first, count));
            double coldUs = Time(() => new SweepEvaluator(plan).EvaluateFront(first, count));
            var allMsg = new SweepChunkResult("s", 0, all.Rows, all.Pareto, first, count);
            var frontMsg = new SweepChunkResult("s", 0, front.Front, [], first, count);
            byte[] allBytes = ser.ToBinary(allMsg), frontBytes = ser.ToBinary(frontMsg);
            double allSer = Time(() => ser.FromBinary(ser.ToBinary(allMsg), "sx"));
            double frontSer = Time(() => ser.FromBinary(ser.ToBinary(frontMsg), "sx"));
            Console.WriteLine($"  chunk {count,4}: rows=all   evaluate+reduce {allUs,7:F0} us, result {allBytes.Length,7} B,"
                + $" (de)serialize {allSer,6:F1} us = {100 * allSer / allUs,5:F1} % (+ round trip {100 * (allSer + RoundTripUs) / allUs,6:F1} %)");
            Console.WriteLine($"  chunk {count,4}: rows=front evaluate+reduce {frontUs,7:F0} us, result {frontBytes.Length,7} B,"
                + $" (de)serialize {frontSer,6:F1} us = {100 * frontSer / frontUs,5:F1} % (+ round trip {100 * (frontSer + RoundTripUs) / frontUs,6:F1} %);"
                + $" {front.Front.Length} front rows; cold {coldUs:F0} us");
        }
    }

    private static void SweepThroughput()
    {
        var plan = SweepPlan.Parse(LargeSpec);
        // 512: a rows=all result must fit Akka.Remote's 128,000-byte frame (a 4,096-point one is ~0.5 MB and is dropped).
        const int chunk = 512;
        Console.WriteLine($"sweep throughput on the large spec ({plan.TotalPoints} points, {plan.Configs.Count} configs, chunk {chunk}, incl. model tables):");
        foreach (bool frontOnly in new[] { false, true })
            foreach (int workers in new[] { 1, 2 })
            {
                var sink = new CountingSink();
                var sw = Stopwatch.StartNew();
                SweepRunner.RunLocal(plan, sink, 0, workers, chunk, frontOnly: frontOnly).Wait();
                Console.WriteLine($"  single process, {workers} worker(s), rows={(frontOnly ? "front" : "all  ")}: {sw.Elapsed.TotalSeconds:F2} s, {plan.TotalPoints / sw.Elapsed.TotalSeconds:F0} points/s");
            }
        foreach (var (frontOnly, chunkPoints) in new[] { (false, chunk), (true, chunk), (true, 8 * chunk) })
        {
            int port;
            { var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0); l.Start(); port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port; l.Stop(); }
            var seed = $"127.0.0.1:{port}";
            using var sub = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = [SweepRunner.SubmitterRole] });
            using var w1 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
            using var w2 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
            var joined = Stopwatch.StartNew();
            while (Akka.Cluster.Cluster.Get(sub).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) < 3)
                Thread.Sleep(20);
            var joinS = joined.Elapsed.TotalSeconds;
            var c = new CountingSink();
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var watch = Stopwatch.StartNew();
            SweepRunner.StartSubmitter(sub, plan, c, 0, chunkPoints, TimeSpan.FromMinutes(5), done, frontOnly);
            SweepRunner.StartWorkers(w1, 1);
            SweepRunner.StartWorkers(w2, 1);
            done.Task.Wait();
            Console.WriteLine($"  2 worker nodes on loopback, rows={(frontOnly ? "front" : "all  ")}, chunk {chunkPoints}: {watch.Elapsed.TotalSeconds:F2} s, {plan.TotalPoints / watch.Elapsed.TotalSeconds:F0} points/s (after a {joinS:F1} s join; incl. singleton start)");
            Task.WaitAll(w1.Terminate(), w2.Terminate(), sub.Terminate());
        }
    }
}
