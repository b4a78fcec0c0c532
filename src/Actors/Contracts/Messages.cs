using MessagePack;

namespace DeepTrain.Actors.Contracts;

/// <summary>
/// Marker for every message that may cross the network. It is bound in cluster.hocon to
/// <see cref="Serialization.ContractSerializer"/>; a test checks every implementation is bound there
/// (an unbound record would silently fall back to Akka's JSON serializer).
/// </summary>
public interface IClusterMessage;

/// <summary>An evaluation worker asks for up to <paramref name="Slots"/> oracle calls (work is pulled).</summary>
[MessagePackObject]
public sealed record RequestEvaluation([property: Key(0)] string WorkerId, [property: Key(1)] int Slots) : IClusterMessage;

/// <summary>One proposal for an oracle call. Masks travel as 0/1 strings in site order.</summary>
[MessagePackObject]
public sealed record EvaluateProposal(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long ProposalId,
    [property: Key(2)] string Mask,
    [property: Key(3)] int Seed) : IClusterMessage;

/// <summary>Result of one oracle call. <paramref name="Error"/> non-null means a recorded failure, never a number.</summary>
[MessagePackObject]
public sealed record ProposalResult(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long ProposalId,
    [property: Key(2)] string Mask,
    [property: Key(3)] double Accuracy,
    [property: Key(4)] string? Error,
    [property: Key(5)] string WorkerId) : IClusterMessage;

/// <summary>Sent only after the observation is durably stored.</summary>
[MessagePackObject]
public sealed record ResultAcknowledged([property: Key(0)] string StudyId, [property: Key(1)] long ProposalId) : IClusterMessage;

/// <summary>Immutable GP snapshot published by the coordinator: the observations it was fitted on.</summary>
[MessagePackObject]
public sealed record GpSnapshot(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long Version,
    [property: Key(2)] string[] Masks,
    [property: Key(3)] double[] Accuracies,
    [property: Key(4)] double[] Hyperparameters) : IClusterMessage;

/// <summary>An acquisition worker asks for a chunk of candidates to score.</summary>
[MessagePackObject]
public sealed record RequestCandidateChunk([property: Key(0)] string WorkerId) : IClusterMessage;

[MessagePackObject]
public sealed record CandidateChunk(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long SnapshotVersion,
    [property: Key(2)] long ChunkId,
    [property: Key(3)] long FirstCandidate,
    [property: Key(4)] int Count,
    [property: Key(5)] int TopK) : IClusterMessage;

[MessagePackObject]
public sealed record ScoredCandidates(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long ChunkId,
    [property: Key(2)] string[] Masks,
    [property: Key(3)] double[] Scores) : IClusterMessage;

/// <summary>A sweep worker asks for the next range of sweep points.</summary>
[MessagePackObject]
public sealed record RequestSweepChunk([property: Key(0)] string WorkerId) : IClusterMessage;

[MessagePackObject]
public sealed record SweepChunk(
    [property: Key(0)] string SweepId,
    [property: Key(1)] long ChunkId,
    [property: Key(2)] long FirstPoint,
    [property: Key(3)] int Count,
    [property: Key(4)] string SpecJson) : IClusterMessage;

/// <summary>One evaluated sweep point; <paramref name="Fields"/> follows <c>SweepPlan.MetricColumns</c>.</summary>
[MessagePackObject]
public sealed record SweepRow([property: Key(0)] long Point, [property: Key(1)] double[] Fields, [property: Key(2)] string Mask) : IClusterMessage;

[MessagePackObject]
public sealed record SweepChunkResult(
    [property: Key(0)] string SweepId,
    [property: Key(1)] long ChunkId,
    [property: Key(2)] SweepRow[] Rows,
    [property: Key(3)] long[] ParetoPoints) : IClusterMessage;

/// <summary>No work right now; the worker is remembered and served when work appears.</summary>
[MessagePackObject]
public sealed record NoWorkNow([property: Key(0)] string Reason) : IClusterMessage;

[MessagePackObject]
public sealed record GetStudyStatus([property: Key(0)] string StudyId) : IClusterMessage;

[MessagePackObject]
public sealed record StudyStatus(
    [property: Key(0)] string StudyId,
    [property: Key(1)] int Observations,
    [property: Key(2)] int InFlight,
    [property: Key(3)] bool Finished,
    [property: Key(4)] string? IncumbentMask,
    [property: Key(5)] double IncumbentAccuracy) : IClusterMessage;

/// <summary>Liveness probe used by tests and operators.</summary>
[MessagePackObject]
public sealed record Ping([property: Key(0)] long Nonce) : IClusterMessage;

[MessagePackObject]
public sealed record Pong([property: Key(0)] long Nonce, [property: Key(1)] string Node) : IClusterMessage;
