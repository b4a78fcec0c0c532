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
    public long PointsReduced;
    public void Reduced(long pointsDone) => PointsReduced = pointsDone;
}

/// <summary>Passes a front-only sweep to its file until the N-th checkpoint, then "crashes": cancels the run and
/// drops everything after. Keeps the first checkpoint's progress file (an older one, as a crash between writing the
/// front and the progress file would leave).</summary>
public sealed class CrashingFrontSink(SweepFrontFile file, int crashAfterCheckpoints, CancellationTokenSource crash) : ISweepSink
{
    public int Checkpoints;
    public string? FirstProgress;
    public void Write(IReadOnlyList<SweepRow> rows) => file.Write(rows);
    public void Reduced(long pointsDone) { if (!crash.IsCancellationRequested) file.Reduced(pointsDone); }
    public void Checkpoint(long pointsDone, IReadOnlyList<SweepRow> front)
    {
        if (crash.IsCancellationRequested) return;
        file.Checkpoint(pointsDone, front);
        FirstProgress ??= File.ReadAllText(file.ProgressPath);
        if (++Checkpoints == crashAfterCheckpoints) crash.Cancel();
    }
    public void Finish(IReadOnlyList<SweepRow> front) { if (!crash.IsCancellationRequested) file.Finish(front); }
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

        var sink = await OnTwoWorkerNodes(plan, frontOnly: false);
        Assert.Equal(single.Rows.Select(Key), sink.Rows.Select(Key));
        Assert.Equal(single.Front.Select(Key), sink.Front.Select(Key));
    }

    /// <summary>A submitter node and two worker nodes (one sweep worker each) on loopback, chunks of 10 points.</summary>
    private static async Task<ListSink> OnTwoWorkerNodes(SweepPlan plan, bool frontOnly)
    {
        int port = FreePort();
        var seed = $"127.0.0.1:{port}";
        using var submitter = ClusterHost.Start(new NodeOptions { Port = port, Seeds = [seed], Roles = [SweepRunner.SubmitterRole] });
        using var w1 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        using var w2 = ClusterHost.Start(new NodeOptions { Seeds = [seed], Roles = ["worker"] });
        try
        {
            var sink = new ListSink();
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            SweepRunner.StartSubmitter(submitter, plan, sink, 0, 10, TimeSpan.FromSeconds(30), done, frontOnly: frontOnly);
            SweepRunner.StartWorkers(w1, 1);
            SweepRunner.StartWorkers(w2, 1);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return sink;
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

    [Fact]
    public async Task FrontOnlySweepOverTwoWorkerNodesFindsExactlyTheFullSweepsFront()
    {
        var plan = SweepPlan.Parse(Spec);
        var single = new ListSink();
        await SweepRunner.RunLocal(plan, single, 0, 1, 10).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(single.Front.Count > 1);
        Assert.True(single.Front.Count < single.Rows.Count);

        var sink = await OnTwoWorkerNodes(plan, frontOnly: true);
        Assert.Empty(sink.Rows);
        Assert.Equal(plan.TotalPoints, sink.PointsReduced);
        Assert.Equal(single.Front.Select(Key), sink.Front.Select(Key));
    }

    [Fact]
    public async Task TopListHoldsTheBestRowsOfTheWholeSweepPerMetric()
    {
        var plan = SweepPlan.Parse(Spec.Replace("\"sitePolicies\"", "\"top\": 4, \"sitePolicies\""));
        Assert.Equal(4, plan.Top);
        var path = Path.Combine(Path.GetTempPath(), $"sweeptop-{Guid.NewGuid():N}.csv");
        using (var csv = SweepCsv.OpenForResume(plan, path)) await SweepRunner.RunLocal(plan, csv, 0, 2, 7);
        var rows = SweepCsv.Read(path);
        Assert.Equal(plan.TotalPoints, rows.Count);
        var top = File.ReadAllLines(path + ".top.csv");
        Assert.Equal(SweepCsv.TopHeader, top[0]);
        Assert.Equal(SweepPlan.MetricColumns.Length * 4, top.Length - 1);
        for (int m = 0; m < SweepPlan.MetricColumns.Length; m++)
        {
            int col = m; bool max = SweepPlan.MetricColumns[m] == "imagesPerSecond";
            var best = rows.OrderBy(r => max ? -r.Fields[col] : r.Fields[col]).ThenBy(r => r.Point).Take(4).ToList();
            for (int k = 0; k < 4; k++)
                Assert.StartsWith($"{SweepPlan.MetricColumns[m]},{k + 1},{best[k].Point},", top[1 + m * 4 + k]);
        }
        Assert.Throws<DeepTrain.Model.UserError>(() => SweepPlan.Parse(Spec.Replace("\"sitePolicies\"", "\"top\": -1, \"sitePolicies\"")));
    }

    [Fact]
    public async Task InterruptedFrontOnlySweepResumesFromItsCheckpointWithTheSameFront()
    {
        var plan = SweepPlan.Parse(Spec);
        var dir = Path.Combine(Path.GetTempPath(), $"sweepfront-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string all = Path.Combine(dir, "all.csv"), front = Path.Combine(dir, "front.csv"), crashed = Path.Combine(dir, "crashed.csv");
        using (var csv = SweepCsv.OpenForResume(plan, all)) await SweepRunner.RunLocal(plan, csv, 0, 2, 7);
        var expected = File.ReadAllLines(all + ".pareto.csv");
        var expectedTop = File.ReadAllLines(all + ".top.csv");

        // Uninterrupted front-only run: the same FILE.pareto.csv and FILE.top.csv as the full sweep, and no FILE.
        await SweepRunner.RunLocal(plan, SweepFrontFile.OpenForResume(plan, front), 0, 2, 7, frontOnly: true);
        Assert.Equal(expected, File.ReadAllLines(front + ".pareto.csv"));
        Assert.Equal(expectedTop, File.ReadAllLines(front + ".top.csv"));
        Assert.False(File.Exists(front));

        // Crash after the third checkpoint (one worker: one per chunk), then put back the first checkpoint's
        // progress file: the saved front now covers more points than the progress file says.
        using var crash = new CancellationTokenSource();
        var sink = new CrashingFrontSink(SweepFrontFile.OpenForResume(plan, crashed), 3, crash);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SweepRunner.RunLocal(plan, sink, 0, 1, 7, crash.Token, frontOnly: true, checkpointEvery: TimeSpan.Zero));
        Assert.Equal(3, sink.Checkpoints);
        File.WriteAllText(crashed + ".progress", sink.FirstProgress);
        var resumed = SweepFrontFile.OpenForResume(plan, crashed);
        Assert.InRange(resumed.ResumeFrom, 7, plan.TotalPoints - 7);
        Assert.NotEqual(expected, File.ReadAllLines(crashed + ".pareto.csv"));
        await SweepRunner.RunLocal(plan, resumed, resumed.ResumeFrom, 2, 7, frontOnly: true);
        Assert.Equal(expected, File.ReadAllLines(crashed + ".pareto.csv"));
        Assert.Equal(expectedTop, File.ReadAllLines(crashed + ".top.csv"));
        Assert.Equal(plan.TotalPoints, SweepFrontFile.OpenForResume(plan, crashed).ResumeFrom);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task FrontOnlyResumeRefusesTheProgressFileOfAnotherSpec()
    {
        var plan = SweepPlan.Parse(Spec);
        var other = SweepPlan.Parse(Spec.Replace("[16, 64]", "[16, 32]"));
        Assert.NotEqual(plan.Fingerprint, other.Fingerprint);
        Assert.Equal(plan.Fingerprint, SweepPlan.Parse(Spec.Replace("\n", " ")).Fingerprint);
        var path = Path.Combine(Path.GetTempPath(), $"sweep-{Guid.NewGuid():N}.csv");
        await SweepRunner.RunLocal(plan, SweepFrontFile.OpenForResume(plan, path), 0, 1, 50, frontOnly: true);
        var e = Assert.Throws<DeepTrain.Model.UserError>(() => SweepFrontFile.OpenForResume(other, path));
        Assert.Contains(path + ".progress", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void SortedParetoFrontEqualsThePairwiseDefinitionOnRandomRowsWithTies()
    {
        var rng = new Random(7);
        foreach (int n in new[] { 0, 1, 2, 3, 17, 200, 1000 })
            for (int rep = 0; rep < 5; rep++)
            {
                int levels = rep < 2 ? 3 : 50; // few levels: many ties and exact duplicates
                var fields = new double[n][];
                for (int i = 0; i < n; i++)
                    fields[i] = [rng.Next(levels), rng.NextDouble(), rng.Next(levels), rng.Next(levels), rng.Next(levels)];
                Assert.Equal(SweepEvaluator.FrontIndicesByAllPairs(fields), SweepEvaluator.FrontIndices(fields));
            }
    }
}
