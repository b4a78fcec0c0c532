using System.Security.Cryptography;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Serialization;
using DeepTrain.Launcher.Output;
using DeepTrain.Model;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Launcher.Commands;

/// <summary>
/// `deeptrain optimize … --cluster HOST:PORT`: submits the study (settings, network and architecture as JSON, oracle
/// as its spec text) to the cluster's coordinator, streams its proposals and observations into the same JSONL study
/// log as single-node optimize (asks, then observations as they are recorded), shows progress, and returns the study
/// replayed from that log — so the summary is computed exactly as on one node.
/// </summary>
public static class ClusterStudy
{
    public static async Task<Study> RunAsync(string seed, string host, string? studyId, StudySetup setup, Network? network, ArchSpec? arch,
        string outPath, string? resume, bool quiet, TextWriter stderr, CancellationToken ct)
    {
        if (resume is not null)
            throw new UserError("--resume is for single-node logs; with --cluster re-run the same command: it re-attaches to the study");
        var r = setup.Request;
        int colon = r.Oracle.IndexOf(':');
        string kind = (colon < 0 ? r.Oracle : r.Oracle[..colon]).Trim();
        if (!OracleRegistry.Kinds.Contains(kind, StringComparer.OrdinalIgnoreCase))
            throw new UserError($"--oracle: unknown kind '{kind}'; known: {string.Join(", ", OracleRegistry.Kinds.Order())}");
        var submit = new SubmitStudy("", r.NetworkText, network is null ? "" : NetworkJson.Write(network), network is null ? "" : arch!.ToJson(),
            r.Sites ?? 0, r.Objective, r.Oracle, r.Method, r.Acquisition, r.Tolerance, r.Budget, r.Batch, r.Seed, r.ReferenceSeeds,
            r.Candidates, r.Images, r.TimeoutSeconds, r.Retries);
        submit = submit with { StudyId = studyId ?? DefaultId(submit) };

        var options = new NodeOptions { Host = host, Seeds = [ClusterHost.NormalizeSeed(seed)], Roles = [ClusterStudyClient.ClientRole] }
            .WithEnvironment();
        using var system = ClusterHost.Start(options);
        var rounds = new Dictionary<long, (int Round, int Slot, string Mask, int Seed)>();
        var roundSizes = new Dictionary<int, int>();
        using (var log = StudyLog.Create(outPath, setup.Config))
        using (var progress = new Progress("optimize", r.Budget, quiet, ReferenceEquals(stderr, Console.Error) ? null : stderr))
        {
            StudyRecords last;
            try
            {
                last = await ClusterStudyClient.RunAsync(system, submit,
                    a => stderr.WriteLine($"optimize: study {a.StudyId} {(a.Existing ? "re-attached" : "submitted")} at {seed}" +
                                          (a.QueuedBehind > 0 ? $", queued behind {a.QueuedBehind} running stud{(a.QueuedBehind == 1 ? "y" : "ies")}" : "")),
                    rec => Write(rec, rounds, roundSizes, log, setup, progress), TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            }
            finally { await system.Terminate().ConfigureAwait(false); }
            if (last.Stopped is { } why && why != "the search method has nothing left to ask")
                throw new OracleError($"the study stopped: {why} (log: {outPath})");
        }
        var contents = StudyLog.Read(outPath);
        return Study.Replay(contents, setup.Objective, setup.Proposer);
    }

    /// <summary>Settings hash: the same command re-attaches to its study; any changed setting makes a new one.</summary>
    public static string DefaultId(SubmitStudy s) =>
        "s-" + Convert.ToHexStringLower(SHA256.HashData(ContractSerializer.Pack(s with { StudyId = "" })))[..16];

    private static void Write(StudyRecords rec, Dictionary<long, (int Round, int Slot, string Mask, int Seed)> rounds,
        Dictionary<int, int> roundSizes, StudyLog log, StudySetup setup, Progress progress)
    {
        foreach (var group in rec.Proposals.GroupBy(p => p.Round))
        {
            var items = group.OrderBy(p => p.Id).ToList();
            int slot0 = roundSizes.GetValueOrDefault(group.Key);
            for (int i = 0; i < items.Count; i++) rounds[items[i].Id] = (group.Key, slot0 + i, items[i].Mask, items[i].Seed);
            roundSizes[group.Key] = slot0 + items.Count;
            if (slot0 == 0) log.WriteAsk(group.Key, items.Select(p => (p.Mask, p.Seed)).ToList());
        }
        foreach (var o in rec.Observations)
        {
            if (!rounds.TryGetValue(o.Id, out var p)) continue;
            var mask = SiteMask.Parse(p.Mask, setup.Config.SiteCount);
            var ob = new Observation(p.Round, p.Slot, p.Mask, p.Seed, o.Error is null ? o.Accuracy : null, setup.Objective.EvaluateOne(mask),
                o.Error, o.Attempts, o.Seconds);
            log.WriteObservation(ob);
            progress.Advance(1, o.Error is null ? $"last {o.Accuracy:F2} % on {ShortWorker(o.Worker)}" : "last failed");
        }
    }

    private static string ShortWorker(string w)
    {
        int at = w.IndexOf('@');
        return at < 0 ? w : w[(at + 1)..];
    }
}
