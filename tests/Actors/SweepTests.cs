using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Sweeps;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

public sealed class ListSink : ISweepSink
{
    public readonly List<SweepRow> Rows = new();
    public List<SweepRow> Front = new();
    public void Write(IReadOnlyList<SweepRow> rows) { lock (Rows) Rows.AddRange(rows); }
    public void Finish(IReadOnlyList<SweepRow> front) => Front = front.ToList();
}

public sealed class SweepTests
{
    public const string Spec = """
        { "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [16, 64],
          "parameters": { "crossbar.rows": { "grid": [64, 128] } },
          "sitePolicies": ["all", "none", "every-2", "fastest-per-k"] }
        """;

    private static string Key(SweepRow r) => $"{r.Point}|{r.Mask}|{string.Join(";", r.Fields.Select(f => f.ToString("R")))}";

    [Fact]
    public async Task SweepSplitOverTwoWorkerNodesGivesExactlyTheSingleProcessRows()
    {
        var plan = SweepPlan.Parse(Spec);
        Assert.Equal(2 * 2 * (3 + 20), plan.TotalPoints);
        var single = new ListSink();
        await SweepRunner.RunLocal(plan, single, 0, 1, 10).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(plan.TotalPoints, single.Rows.Count);
        Assert.Equal(Enumerable.Range(0, (int)plan.TotalPoints).Select(i => (long)i), single.Rows.Select(r => r.Point));
        Assert.NotEmpty(single.Front);

        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        using var submitter = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = [SweepRunner.SubmitterRole] });
        using var w1 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        using var w2 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        try
        {
            var sink = new ListSink();
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            SweepRunner.StartSubmitter(submitter, plan, sink, 0, 10, TimeSpan.FromSeconds(30), done);
            SweepRunner.StartWorkers(w1, 1);
            SweepRunner.StartWorkers(w2, 1);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(single.Rows.Select(Key), sink.Rows.Select(Key));
            Assert.Equal(single.Front.Select(Key), sink.Front.Select(Key));
        }
        finally { await Task.WhenAll(w1.Terminate(), w2.Terminate(), submitter.Terminate()); }
    }

    [Fact]
    public async Task InterruptedSweepResumesSkippingFinishedPoints()
    {
        var plan = SweepPlan.Parse(Spec);
        var path = Path.Combine(Path.GetTempPath(), $"sweep-{Guid.NewGuid():N}.csv");
        using (var full = SweepCsv.OpenForResume(plan, path)) await SweepRunner.RunLocal(plan, full, 0, 2, 7);
        var expected = File.ReadAllLines(path);
        var expectedFront = File.ReadAllLines(path + ".pareto.csv");
        // Simulate a crash: keep the header, 30 rows and a torn line.
        var partial = string.Join("\n", expected.Take(31)) + "\n" + expected[31][..10];
        File.WriteAllText(path, partial);
        using (var csv = SweepCsv.OpenForResume(plan, path))
        {
            Assert.Equal(30, csv.RowsWritten);
            await SweepRunner.RunLocal(plan, csv, csv.RowsWritten, 2, 7);
        }
        Assert.Equal(expected, File.ReadAllLines(path));
        Assert.Equal(expectedFront, File.ReadAllLines(path + ".pareto.csv"));
    }
}
