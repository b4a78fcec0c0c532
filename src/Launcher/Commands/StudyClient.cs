using System.Security.Cryptography;
using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
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
/// How `deeptrain optimize` runs a study: through the study actors (StudyHost → StudyCoordinator with the search
/// engine; EvaluationWorker for oracle calls; AcquisitionWorkers for BO candidate scoring), either on a cluster
/// (<c>--cluster HOST:PORT</c>: the study is submitted to the coordinator node and worker nodes do the work) or, without
/// it, all in this process (actor provider local, no port; q oracle calls at once, one acquisition worker per core,
/// observations held in memory and streamed to the JSONL log, which is what --resume reads). Either way the client
/// writes the same JSONL study log (asks, then observations as they are recorded), shows progress, and returns the
/// study replayed from that log, so the summary is computed the same way everywhere.
/// </summary>
public static class StudyClient
{
    public sealed record Target(string? ClusterSeed, string Host, string? StudyId);

    public static async Task<Study> RunAsync(Target target, StudySetup setup, Network? network, ArchSpec? arch, string outPath,
        StudyLog.Contents? resumed, string? resumePath, bool quiet, TextWriter stderr, CancellationToken ct,
        System.Text.Json.Nodes.JsonObject? launch = null)
    {
        var r = setup.Request;
        int colon = r.Oracle.IndexOf(':');
        string kind = (colon < 0 ? r.Oracle : r.Oracle[..colon]).Trim();
        if (!OracleRegistry.Kinds.Contains(kind, StringComparer.OrdinalIgnoreCase))
            throw new UserError($"--oracle: unknown kind '{kind}'; known: {string.Join(", ", OracleRegistry.Kinds.Order())}");
        var submit = new SubmitStudy("", r.NetworkText, network is null ? "" : NetworkJson.Write(network), network is null ? "" : arch!.ToJson(),
            r.Sites ?? 0, r.Objective, r.Oracle, r.Method, r.Acquisition, r.Tolerance, r.Budget, r.Batch, r.Seed, r.ReferenceSeeds,
            r.Candidates, r.Images, r.TimeoutSeconds, r.Retries);
        submit = submit with { StudyId = target.StudyId ?? DefaultId(submit) };

        bool clustered = target.ClusterSeed is not null;
        // Akka's own logger writes to stdout; this command reports its errors itself and keeps stdout for results/--json.
        const string Quiet = "akka.loglevel = OFF\nakka.stdout-loglevel = OFF";
        var options = clustered
            ? new NodeOptions { Host = target.Host, Seeds = [ClusterHost.NormalizeSeed(target.ClusterSeed!)], Roles = [ClusterStudyClient.ClientRole], ExtraHocon = Quiet }.WithEnvironment()
            : new NodeOptions { Clustered = false, SystemName = "optimize", ExtraHocon = Quiet };
        // One process: the store lives in memory, seeded from the log being resumed; the log is the durable record.
        using var store = clustered ? null : new StudyStore(":memory:");
        var (proposalsFrom, observationsFrom) = resumed is null || store is null ? (0, 0) : Seed(store, submit.StudyId, resumed);
        if (store is not null) store.AddStudy(submit.StudyId, ContractSerializer.Pack(submit));

        var live = new StudyState(setup.Config, setup.Objective); // for the progress line's best-so-far
        foreach (var o in resumed?.Observations ?? []) live.Add(o);
        var rounds = new Dictionary<long, (int Round, int Slot, string Mask, int Seed)>();
        var roundSizes = new Dictionary<int, int>();
        if (resumed is not null)
        {
            long id = 0;
            foreach (var (round, items) in resumed.Asks)
            {
                for (int i = 0; i < items.Count; i++) rounds[id++] = (round, i, items[i].Mask, items[i].Seed);
                roundSizes[round] = items.Count;
            }
        }
        // Clustered: a member that re-joins by itself if the coordinator is lost and restarted (ClusterNode; it says in
        // one line on stderr when the seed does not answer within seconds). One process: a plain local system.
        var node = clustered ? ClusterNode.Start(options, _ => { }, quiet ? null : stderr, name: "optimize") : null;
        using var system = node?.System ?? ClusterHost.Start(options);
        using (var log = resumed is null ? StudyLog.Create(outPath, setup.Config, launch) : StudyLog.Append(resumePath!, resumed.ValidLength))
        using (var progress = new Progress("optimize", r.Budget, quiet, ReferenceEquals(stderr, Console.Error) ? null : stderr))
        {
            if (observationsFrom > 0) progress.Advance(observationsFrom);
            StudyRecords last;
            try
            {
                IActorRef? host = null;
                if (!clustered)
                {
                    host = system.ActorOf(StudyHost.Props(store!, resumeGrace: TimeSpan.Zero), StudyTopology.SingletonName);
                    StudyTopology.StartLocalStudyWorkers(system, host, oracleSlots: r.Batch, acquisitionWorkers: Environment.ProcessorCount);
                }
                Action<StudyAccepted> onAccepted =
                    a =>
                    {
                        if (!quiet && clustered)
                            stderr.WriteLine($"optimize: study {a.StudyId} {(a.Existing ? "re-attached" : "submitted")} at {target.ClusterSeed}" +
                                             (a.QueuedBehind > 0 ? $", queued behind {a.QueuedBehind} unfinished stud{(a.QueuedBehind == 1 ? "y" : "ies")}" : ""));
                    };
                Action<StudyRecords> onRecords = rec => Write(rec, rounds, roundSizes, log, setup, live, progress, clustered);
                last = await (node is not null
                        ? ClusterStudyClient.RunAsync(node, submit, onAccepted, onRecords, TimeSpan.FromSeconds(60),
                            TimeSpan.FromMilliseconds(200), proposalsFrom, observationsFrom, ct)
                        : ClusterStudyClient.RunAsync(host!, submit, onAccepted, onRecords, TimeSpan.FromSeconds(60),
                            TimeSpan.FromMilliseconds(20), proposalsFrom, observationsFrom, ct))
                    .ConfigureAwait(false);
            }
            catch (UserError e) when (!clustered && e.Message.StartsWith("no study coordinator", StringComparison.Ordinal))
            {
                // Single node: there is no coordinator to start; the in-process study host itself did not answer.
                throw new OracleError("the in-process study host did not accept the study within 60 s (it failed to start; "
                                      + "this is a bug: please report the command line)");
            }
            finally
            {
                if (node is not null) await node.StopAsync().ConfigureAwait(false);
                else await system.Terminate().ConfigureAwait(false);
            }
            if (last.Stopped is { } why && why != "the search method has nothing left to ask")
                throw new OracleError(clustered ? $"the study stopped: {why} (log: {resumePath ?? outPath})" : why);
        }
        var contents = StudyLog.Read(resumePath ?? outPath);
        return Study.Replay(contents, setup.Objective, setup.Proposer);
    }

    /// <summary>Settings hash: the same command re-attaches to its study; any changed setting makes a new one.</summary>
    public static string DefaultId(SubmitStudy s) =>
        "s-" + Convert.ToHexStringLower(SHA256.HashData(ContractSerializer.Pack(s with { StudyId = "" })))[..16];

    /// <summary>The log's asks and observations as the coordinator's store (proposal ids in ask order).</summary>
    private static (int Proposals, int Observations) Seed(StudyStore store, string studyId, StudyLog.Contents log)
    {
        var ids = new Dictionary<(int Round, int Slot), long>();
        var proposals = new List<StoredProposal>();
        foreach (var (round, items) in log.Asks)
            for (int i = 0; i < items.Count; i++)
            {
                ids[(round, i)] = proposals.Count;
                proposals.Add(new StoredProposal(proposals.Count, round, items[i].Mask, items[i].Seed));
            }
        store.AddProposals(studyId, proposals);
        int observations = 0;
        foreach (var o in log.Observations)
            if (ids.TryGetValue((o.Round, o.Slot), out long id) &&
                store.TryRecord(studyId, new StoredObservation(id, o.Mask, o.AccuracyPercent ?? 0, o.Succeeded ? null : o.Error ?? "failed",
                    "log", o.Attempts, o.Seconds)))
                observations++;
        return (proposals.Count, observations);
    }

    private static void Write(StudyRecords rec, Dictionary<long, (int Round, int Slot, string Mask, int Seed)> rounds,
        Dictionary<int, int> roundSizes, StudyLog log, StudySetup setup, StudyState live, Progress progress, bool clustered)
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
            live.Add(ob);
            var inc = live.Incumbent;
            string best = inc is null ? "no feasible yet" : $"best {Fmt(inc.Objective, setup.Objective)} ({inc.Mask.Count} sites)";
            string where = clustered ? $" on {ShortWorker(o.Worker)}" : "";
            progress.Advance(1, $"{best}  {(o.Error is null ? (OptimizeCommand.Metric(setup.Config.Oracle) == "score" ? $"last score {o.Accuracy:F2}" : $"last {o.Accuracy:F2} %") : "last failed")}{where}  {o.Seconds:F1} s/call");
        }
    }

    public static string Fmt(double v, IMaskObjective o) => o.Unit switch
    {
        "s" => Units.Seconds(v), "J" => Units.Joules(v), _ => $"{v:0.###} {o.Unit}",
    };

    private static string ShortWorker(string w)
    {
        int at = w.IndexOf('@');
        return at < 0 ? w : w[(at + 1)..];
    }
}
