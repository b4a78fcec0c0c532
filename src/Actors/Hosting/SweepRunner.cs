using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Sweeps;
using DeepTrain.Actors.Workers;

namespace DeepTrain.Actors.Hosting;

/// <summary>Wires sweeps: the coordinator where the sweep is submitted, workers local or on cluster nodes.</summary>
public static class SweepRunner
{
    public const string SubmitterRole = "submitter";
    public const string SingletonName = "sweep";

    /// <summary>One process: coordinator and <paramref name="workers"/> sweep workers, no port.
    /// <paramref name="frontOnly"/>: workers reduce each chunk to its Pareto front (`--rows front`).</summary>
    public static async Task RunLocal(SweepPlan plan, ISweepSink sink, long resumeFrom, int workers, int chunkPoints,
        CancellationToken cancel = default, bool frontOnly = false, TimeSpan? checkpointEvery = null)
    {
        using var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "sweep" });
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var coord = sys.ActorOf(SweepCoordinator.Props("sweep", plan, resumeFrom, chunkPoints, TimeSpan.FromMinutes(5), sink, done,
            frontOnly, checkpointEvery), "sweep");
        for (int i = 0; i < workers; i++) sys.ActorOf(SweepWorker.Props(coord), $"sweep-worker-{i}");
        await using var _ = cancel.Register(() => done.TrySetCanceled());
        await done.Task;
        await sys.Terminate();
    }

    /// <summary>
    /// Submitter node: the sweep coordinator as a singleton on the submitter role (workers find it through a proxy).
    /// </summary>
    public static IActorRef StartSubmitter(ActorSystem system, SweepPlan plan, ISweepSink sink, long resumeFrom, int chunkPoints,
        TimeSpan reissueAfter, TaskCompletionSource<bool> done, bool frontOnly = false) =>
        system.ActorOf(ClusterSingletonManager.Props(
            SweepCoordinator.Props("sweep", plan, resumeFrom, chunkPoints, reissueAfter, sink, done, frontOnly),
            PoisonPill.Instance, ClusterSingletonManagerSettings.Create(system).WithRole(SubmitterRole)), SingletonName);

    /// <summary>Worker node: <paramref name="workers"/> sweep workers pulling from the submitter's coordinator.</summary>
    public static void StartWorkers(ActorSystem system, int workers)
    {
        var proxy = system.ActorOf(ClusterSingletonProxy.Props($"/user/{SingletonName}",
            ClusterSingletonProxySettings.Create(system).WithRole(SubmitterRole).WithBufferSize(10_000)), "sweep-proxy");
        for (int i = 0; i < workers; i++) system.ActorOf(SweepWorker.Props(proxy), $"sweep-worker-{i}");
    }
}
