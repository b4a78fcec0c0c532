using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Model;

namespace DeepTrain.Actors.Hosting;

/// <summary>
/// What `deeptrain optimize --cluster` runs on the submitting machine: joins the cluster as a client, submits the study
/// to the coordinator singleton (re-attaching if it already exists), then polls for new proposals and observations
/// until the study has finished, handing each batch of records to <c>onRecords</c> in order.
/// </summary>
public static class ClusterStudyClient
{
    public const string ClientRole = "client";

    public static Task<StudyRecords> RunAsync(ActorSystem system, SubmitStudy submit, Action<StudyAccepted> onAccepted,
        Action<StudyRecords> onRecords, TimeSpan connectTimeout, CancellationToken ct = default) =>
        RunAsync(StudyTopology.CoordinatorProxy(system, "study-client"), submit, onAccepted, onRecords, connectTimeout,
            TimeSpan.FromMilliseconds(200), 0, 0, ct);

    /// <summary>
    /// As a member that re-joins by itself (<see cref="ClusterNode"/>): each new ActorSystem gets its own proxy and the
    /// records stream on from where they were (a restarted coordinator reloads the study from its store).
    /// </summary>
    public static Task<StudyRecords> RunAsync(ClusterNode node, SubmitStudy submit, Action<StudyAccepted> onAccepted,
        Action<StudyRecords> onRecords, TimeSpan connectTimeout, TimeSpan poll, int proposalsFrom, int observationsFrom,
        CancellationToken ct = default)
    {
        ActorSystem? system = null;
        IActorRef? proxy = null;
        var gate = new object();
        IActorRef Current()
        {
            lock (gate)
            {
                if (!ReferenceEquals(system, node.System) || proxy is null)
                {
                    system = node.System;
                    try { proxy = system.WhenTerminated.IsCompleted ? null : StudyTopology.CoordinatorProxy(system, "study-client"); }
                    catch (Exception) when (system.WhenTerminated.IsCompleted) { proxy = null; } // it is being replaced
                    if (proxy is null) { system = null; return ActorRefs.Nobody; }
                }
                return proxy;
            }
        }
        return RunAsync(Current, submit, onAccepted, onRecords, connectTimeout, poll, proposalsFrom, observationsFrom, ct);
    }

    /// <summary>
    /// Submits to <paramref name="proxy"/> (the singleton proxy, or a local <see cref="StudyHost"/>) and streams records
    /// after the first <paramref name="proposalsFrom"/> proposals and <paramref name="observationsFrom"/> observations.
    /// On cancellation the records recorded so far are still fetched and handed over once before it throws.
    /// </summary>
    public static Task<StudyRecords> RunAsync(IActorRef proxy, SubmitStudy submit, Action<StudyAccepted> onAccepted,
        Action<StudyRecords> onRecords, TimeSpan connectTimeout, TimeSpan poll, int proposalsFrom, int observationsFrom,
        CancellationToken ct = default) =>
        RunAsync(() => proxy, submit, onAccepted, onRecords, connectTimeout, poll, proposalsFrom, observationsFrom, ct);

    private static async Task<StudyRecords> RunAsync(Func<IActorRef> proxyOf, SubmitStudy submit, Action<StudyAccepted> onAccepted,
        Action<StudyRecords> onRecords, TimeSpan connectTimeout, TimeSpan poll, int proposalsFrom, int observationsFrom,
        CancellationToken ct)
    {
        var until = DateTime.UtcNow + connectTimeout;
        StudyAccepted? accepted = null;
        while (accepted is null)
        {
            ct.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > until)
                throw new UserError($"no study coordinator answered within {connectTimeout.TotalSeconds:0} s; is `deeptrain node --role coordinator` running at the seed?");
            object reply;
            try { reply = await proxyOf().Ask<object>(submit, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false); }
            catch (Exception e) when (IsTransient(e, ct)) { await Pause(ct).ConfigureAwait(false); continue; }
            accepted = reply switch
            {
                StudyAccepted a => a,
                StudyRejected r => throw new UserError($"the coordinator rejected the study: {r.Reason}"),
                _ => null,
            };
        }
        onAccepted(accepted);
        int proposals = proposalsFrom, observations = observationsFrom;
        var lastAnswer = DateTime.UtcNow;
        while (true)
        {
            if (ct.IsCancellationRequested)
            {
                try
                {
                    if (await proxyOf().Ask<object>(new GetStudyRecords(submit.StudyId, proposals, observations), TimeSpan.FromSeconds(5))
                            .ConfigureAwait(false) is StudyRecords last)
                        onRecords(last);
                }
                catch (AskTimeoutException) { }
                ct.ThrowIfCancellationRequested();
            }
            object reply;
            var proxy = proxyOf();
            try { reply = await proxy.Ask<object>(new GetStudyRecords(submit.StudyId, proposals, observations), TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
            catch (Exception e) when (IsTransient(e, ct))
            {
                // The coordinator may be moving to another node (singleton hand-over), or this client's ActorSystem
                // is being replaced after the coordinator was lost (ClusterNode); keep asking.
                if (e is not AskTimeoutException) await Pause(ct).ConfigureAwait(false);
                if (DateTime.UtcNow - lastAnswer > TimeSpan.FromMinutes(10))
                    throw new UserError("the study coordinator has not answered for 10 minutes; re-run the same command to re-attach");
                continue;
            }
            lastAnswer = DateTime.UtcNow;
            if (reply is StudyRejected rej) throw new UserError($"the coordinator: {rej.Reason}");
            if (reply is not StudyRecords r) continue;
            proposals += r.Proposals.Length;
            observations += r.Observations.Length;
            onRecords(r);
            if (r.Finished) return r;
            try { await Task.Delay(poll, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>An Ask that timed out, or that failed because its ActorSystem was terminating (it is being replaced).</summary>
    private static bool IsTransient(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && e is not UserError && e is not OperationCanceledException;

    private static async Task Pause(CancellationToken ct)
    {
        try { await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }
}
