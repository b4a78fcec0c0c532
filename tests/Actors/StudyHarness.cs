using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Persistence;
using DeepTrain.Model.Search.Baselines;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;

namespace DeepTrain.Tests.Actors;

/// <summary>
/// Synthetic oracle: accuracy falls 0.4 points per dropped site, with a deterministic per-mask wobble. Counts
/// completed calls per mask. Calls for which <see cref="Hang"/> returns true wait until cancelled.
/// </summary>
public sealed class SyntheticOracle : IOracleRunner
{
    public readonly ConcurrentDictionary<string, int> CompletedCalls = new();
    public readonly ConcurrentDictionary<string, int> StartedCalls = new();
    public Func<string, bool> Hang { get; set; } = _ => false;

    public static double Accuracy(string mask, int seed)
    {
        int zeros = mask.Count(c => c == '0');
        uint h = (uint)seed * 2654435761u;
        foreach (var c in mask) h = (h ^ c) * 16777619u;
        return 94.0 - 0.4 * zeros + (h % 1000) / 5000.0;
    }

    public async Task<double> EvaluateAsync(string mask, int seed, CancellationToken cancel)
    {
        StartedCalls.AddOrUpdate(mask, 1, (_, n) => n + 1);
        if (Hang(mask)) await Task.Delay(Timeout.Infinite, cancel);
        await Task.Yield();
        CompletedCalls.AddOrUpdate(mask, 1, (_, n) => n + 1);
        return Accuracy(mask, seed);
    }
}

/// <summary>The same synthetic accuracy as the single-node engine's oracle interface, for <see cref="StudyRunner"/>.</summary>
public sealed class SyntheticAccuracyOracle : IAccuracyOracle
{
    public string Name => "synthetic";
    public Task<OracleResult> EvaluateAsync(OracleRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(OracleResult.Ok(SyntheticOracle.Accuracy(request.Mask.ToString(), request.Seed)));
}

public static class StudyHarness
{
    /// <summary>The single-process `optimize` study (Study + StudyRunner, no actors) with the spec's seed and config:
    /// (mask, accuracy) in the order the study recorded them.</summary>
    public static async Task<List<(string, double)>> RunOptimizeStudy(StudySpec spec)
    {
        var engine = StudyProposals.ForSpec(spec, "synthetic");
        var study = new DeepTrain.Model.Search.Study.Study(engine.Config, new SitesObjective(spec.Sites),
            Proposers.Create("bo", new BoOptions { Candidates = engine.Config.Candidates }));
        await StudyRunner.RunAsync(study, new SyntheticAccuracyOracle(), null);
        return study.State.Observations.Select(o => (o.Mask.ToString(), o.AccuracyPercent!.Value)).ToList();
    }

    public static StudySpec Spec(string id = "s1") => new(id, Sites: 12, Budget: 16, BatchSize: 4, Seed: 7, MinAccuracy: 92.0);

    public static string TempDb() => Path.Combine(Path.GetTempPath(), $"deeptrain-study-{Guid.NewGuid():N}.db");

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static async Task<StudyStatus> AwaitFinished(IActorRef coordinator, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var s = await coordinator.Ask<StudyStatus>(new GetStudyStatus("s1"), TimeSpan.FromSeconds(5));
            if (s.Finished) return s;
            if (DateTime.UtcNow > until) throw new TimeoutException($"study not finished: {s}");
            await Task.Delay(25); // polling an ask, bounded by the timeout above
        }
    }

    public static async Task AwaitObservations(IActorRef coordinator, int atLeast, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while ((await coordinator.Ask<StudyStatus>(new GetStudyStatus("s1"), TimeSpan.FromSeconds(5))).Observations < atLeast)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("observations not reached");
            await Task.Delay(25);
        }
    }

    /// <summary>The study as a comparable list: (proposal id, mask, accuracy, error), in proposal order.</summary>
    public static List<(long, string, double, string?)> Study(string db, string id = "s1")
    {
        using var store = new StudyStore(db);
        return store.Observations(id).OrderBy(o => o.ProposalId).Select(o => (o.ProposalId, o.Mask, o.Accuracy, o.Error)).ToList();
    }
}
