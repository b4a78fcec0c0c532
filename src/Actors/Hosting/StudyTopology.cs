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
    public static IActorRef StartCoordinatorSingleton(ActorSystem system, StudySpec spec, StudyStore store, IProposalEngine engine) =>
        system.ActorOf(ClusterSingletonManager.Props(
            StudyCoordinator.Props(spec, store, engine),
            PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system).WithRole(CoordinatorRole)), SingletonName);

    /// <summary>A stable reference to the coordinator wherever it runs; buffers while it moves.</summary>
    public static IActorRef CoordinatorProxy(ActorSystem system) =>
        system.ActorOf(ClusterSingletonProxy.Props($"/user/{SingletonName}",
            ClusterSingletonProxySettings.Create(system).WithRole(CoordinatorRole).WithBufferSize(10_000)), "study-proxy");

    /// <summary>One process (no --cluster): the very same actors, a plain parent, no port.</summary>
    public static IActorRef StartLocalCoordinator(ActorSystem system, StudySpec spec, StudyStore store, IProposalEngine engine) =>
        system.ActorOf(StudyCoordinator.Props(spec, store, engine), SingletonName);

    public static IReadOnlyList<IActorRef> StartEvaluationWorkers(ActorSystem system, IActorRef coordinator, IOracleRunner oracle,
        int workers, int maxConcurrentPerWorker) =>
        Enumerable.Range(0, workers)
            .Select(i => system.ActorOf(EvaluationWorker.Props(coordinator, oracle, maxConcurrentPerWorker), $"eval-{i}"))
            .ToList();
}
