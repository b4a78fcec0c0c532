using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using DeepTrain.Actors.Coordination;
using DeepTrain.Actors.Persistence;
using DeepTrain.Actors.Workers;

namespace DeepTrain.Actors.Hosting;

/// <summary>Where the study actors are created, and under which supervision.</summary>
public static class StudyTopology
{
    public const string CoordinatorRole = "coordinator";
    public const string SingletonName = "study";

    /// <summary>
    /// Clustered: the coordinator as a cluster singleton on nodes with the coordinator role. The singleton manager
    /// restarts it on another coordinator node if its node leaves; it resumes from the store.
    /// </summary>
    public static IActorRef StartCoordinatorSingleton(ActorSystem system, StudySpec spec, StudyStore store, IProposalEngine engine,
        ActorScorer? scorer = null) =>
        system.ActorOf(ClusterSingletonManager.Props(
            StudyCoordinator.Props(spec, store, engine, scorer),
            PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system).WithRole(CoordinatorRole)), SingletonName);

    /// <summary>
    /// Coordinator node for submitted studies: the <see cref="StudyHost"/> as the cluster singleton (same name as a
    /// single study's coordinator, so workers find either through <see cref="CoordinatorProxy"/>).
    /// </summary>
    public static IActorRef StartStudyHostSingleton(ActorSystem system, StudyStore store, int chunkCandidates = 4096) =>
        system.ActorOf(ClusterSingletonManager.Props(StudyHost.Props(store, chunkCandidates), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system).WithRole(CoordinatorRole)), SingletonName);

    /// <summary>A stable reference to the coordinator wherever it runs; buffers while it moves.</summary>
    public static IActorRef CoordinatorProxy(ActorSystem system, string name = "study-proxy") =>
        system.ActorOf(ClusterSingletonProxy.Props($"/user/{SingletonName}",
            ClusterSingletonProxySettings.Create(system).WithRole(CoordinatorRole).WithBufferSize(10_000)), name);

    /// <summary>
    /// Worker node for studies: one evaluation worker running up to <paramref name="oracleSlots"/> oracle calls at a
    /// time (oracles built from each proposal's spec, checked against <paramref name="allow"/>) and
    /// <paramref name="acquisitionWorkers"/> acquisition workers, all pulling from the coordinator through one proxy.
    /// </summary>
    public static void StartStudyWorkers(ActorSystem system, OracleAllowList allow, int oracleSlots, int acquisitionWorkers)
    {
        var proxy = CoordinatorProxy(system);
        var oracles = new WorkerOracles(allow);
        if (oracleSlots > 0) system.ActorOf(EvaluationWorker.Props(proxy, oracles.For, oracleSlots), "eval-0");
        StartAcquisitionWorkers(system, proxy, acquisitionWorkers);
    }

    /// <summary>One process (optimize without --cluster): the same workers next to a local <see cref="StudyHost"/>; the
    /// user's own oracle runs, so every command-oracle program is allowed.</summary>
    public static void StartLocalStudyWorkers(ActorSystem system, IActorRef host, int oracleSlots, int acquisitionWorkers)
    {
        system.ActorOf(EvaluationWorker.Props(host, new WorkerOracles(new OracleAllowList(["*"])).For, oracleSlots), "eval-0");
        StartAcquisitionWorkers(system, host, acquisitionWorkers);
    }

    public static IReadOnlyList<IActorRef> StartAcquisitionWorkers(ActorSystem system, IActorRef coordinator, int workers, int slots = 2) =>
        Enumerable.Range(0, workers)
            .Select(i => system.ActorOf(AcquisitionWorker.Props(coordinator, slots), $"acq-{i}"))
            .ToList();

    /// <summary>One process (no --cluster): the very same actors, a plain parent, no port.</summary>
    public static IActorRef StartLocalCoordinator(ActorSystem system, StudySpec spec, StudyStore store, IProposalEngine engine,
        ActorScorer? scorer = null) =>
        system.ActorOf(StudyCoordinator.Props(spec, store, engine, scorer), SingletonName);

    public static IReadOnlyList<IActorRef> StartEvaluationWorkers(ActorSystem system, IActorRef coordinator, IOracleRunner oracle,
        int workers, int maxConcurrentPerWorker) =>
        Enumerable.Range(0, workers)
            .Select(i => system.ActorOf(EvaluationWorker.Props(coordinator, oracle, maxConcurrentPerWorker), $"eval-{i}"))
            .ToList();
}
