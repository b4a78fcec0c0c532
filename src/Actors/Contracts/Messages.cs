using MessagePack;

namespace DeepTrain.Actors.Contracts;

/// <summary>
/// Marker for every message that may cross the network. It is bound in cluster.hocon to
/// <see cref="Serialization.ContractSerializer"/>; a test checks every implementation is bound there
/// (an unbound record would silently fall back to Akka's JSON serializer).
/// </summary>
public interface IClusterMessage;

/// <summary>An evaluation worker asks for up to <paramref name="Slots"/> oracle calls (work is pulled) and names the
/// calls it is running (study, proposal id pairs), so a coordinator that restarted does not hand them out again.</summary>
[MessagePackObject]
public sealed record RequestEvaluation(
    [property: Key(0)] string WorkerId,
    [property: Key(1)] int Slots,
    [property: Key(2)] string[]? RunningStudies = null,
    [property: Key(3)] long[]? Running = null) : IClusterMessage;

/// <summary>
/// One proposal for an oracle call. Masks travel as 0/1 strings in site order. A submitted study also names its
/// oracle as text (the --oracle spec, e.g. "command:python train.py {mask}"), which the worker parses with the same
/// OracleRegistry as single-node optimize and checks against its --allow-oracle list; nothing is run through a shell.
/// Empty <paramref name="Oracle"/>: the worker's own oracle (in-process studies).
/// </summary>
[MessagePackObject]
public sealed record EvaluateProposal(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long ProposalId,
    [property: Key(2)] string Mask,
    [property: Key(3)] int Seed,
    [property: Key(4)] string Oracle = "",
    [property: Key(5)] string Network = "",
    [property: Key(6)] int SiteCount = 0,
    [property: Key(7)] double TimeoutSeconds = 0,
    [property: Key(8)] int Attempts = 1) : IClusterMessage;

/// <summary>Result of one oracle call. <paramref name="Error"/> non-null means a recorded failure, never a number.
/// <paramref name="Fatal"/>: the oracle reported a configuration problem no retry can fix (an OracleError, e.g. a mask
/// missing from a table): nothing is recorded and the study stops with that message, as single-node optimize does.</summary>
[MessagePackObject]
public sealed record ProposalResult(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long ProposalId,
    [property: Key(2)] string Mask,
    [property: Key(3)] double Accuracy,
    [property: Key(4)] string? Error,
    [property: Key(5)] string WorkerId,
    [property: Key(6)] int Attempts = 1,
    [property: Key(7)] double Seconds = 0,
    [property: Key(8)] bool Fatal = false) : IClusterMessage;

/// <summary>Sent only after the observation is durably stored.</summary>
[MessagePackObject]
public sealed record ResultAcknowledged([property: Key(0)] string StudyId, [property: Key(1)] long ProposalId) : IClusterMessage;

/// <summary>
/// Immutable GP snapshot of one acquisition round (<paramref name="Version"/>), published by the coordinator to each
/// acquisition worker before that worker's first chunk of the round: the predictor's data (GpSnapshotData fields),
/// the acquisition context, the observed masks' hashes (never proposed again) and the shortlist size K.
/// </summary>
[MessagePackObject]
public sealed record GpSnapshot(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long Version,
    [property: Key(2)] int Kernel,
    [property: Key(3)] int SiteCount,
    [property: Key(4)] bool CountFeature,
    [property: Key(5)] double[] Theta,
    [property: Key(6)] ulong[] X,
    [property: Key(7)] int Count,
    [property: Key(8)] double[] Alpha,
    [property: Key(9)] double[] LinvPacked,
    [property: Key(10)] double Mean,
    [property: Key(11)] double Std,
    [property: Key(12)] int Acquisition,
    [property: Key(13)] double Threshold,
    [property: Key(14)] double FBest,
    [property: Key(15)] double Kappa,
    [property: Key(16)] ulong ThompsonSeed,
    [property: Key(17)] ulong[] Observed,
    [property: Key(18)] int K) : IClusterMessage;

/// <summary>
/// The same round as <see cref="GpSnapshot"/> in O(n) bytes: the GP's kernel, θ, training masks and values, from
/// which the worker refactors the process itself (n³/3 multiply-adds, bit-identical on the same hardware). Sent instead
/// of the snapshot when the snapshot (n²/2 doubles) would be large: the coordinator's egress then stays O(n) per worker.
/// </summary>
[MessagePackObject]
public sealed record GpTraining(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long Version,
    [property: Key(2)] int Kernel,
    [property: Key(3)] int SiteCount,
    [property: Key(4)] bool CountFeature,
    [property: Key(5)] double[] Theta,
    [property: Key(6)] ulong[] X,
    [property: Key(7)] double[] Y,
    [property: Key(8)] int Acquisition,
    [property: Key(9)] double Threshold,
    [property: Key(10)] double FBest,
    [property: Key(11)] double Kappa,
    [property: Key(12)] ulong ThompsonSeed,
    [property: Key(13)] ulong[] Observed,
    [property: Key(14)] int K) : IClusterMessage;

/// <summary>An acquisition worker asks for up to <paramref name="Slots"/> candidate chunks (work is pulled).</summary>
[MessagePackObject]
public sealed record RequestCandidateChunk([property: Key(0)] string WorkerId, [property: Key(1)] int Slots = 1) : IClusterMessage;

/// <summary>Candidates [First, First+Count) of round <paramref name="Version"/>: packed masks and their objective values.</summary>
[MessagePackObject]
public sealed record CandidateChunk(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long Version,
    [property: Key(2)] long ChunkId,
    [property: Key(3)] int First,
    [property: Key(4)] int Count,
    [property: Key(5)] ulong[] Masks,
    [property: Key(6)] double[] F) : IClusterMessage;

/// <summary>A chunk's shortlist: round indices and scores, in shortlist order (at most K entries).
/// <paramref name="Error"/> non-null: the worker could not score it (e.g. no snapshot); the chunk is re-issued.</summary>
[MessagePackObject]
public sealed record ScoredCandidates(
    [property: Key(0)] string StudyId,
    [property: Key(1)] long Version,
    [property: Key(2)] long ChunkId,
    [property: Key(3)] int[] Indices,
    [property: Key(4)] double[] Scores,
    [property: Key(5)] string WorkerId,
    [property: Key(6)] double ScoreSeconds,
    [property: Key(7)] string? Error = null) : IClusterMessage;

/// <summary>A sweep worker asks for the next range of sweep points.</summary>
[MessagePackObject]
public sealed record RequestSweepChunk([property: Key(0)] string WorkerId) : IClusterMessage;

/// <summary>A range of sweep points to evaluate. <paramref name="FrontOnly"/> (`--rows front`): reply with the
/// range's Pareto front rows only, not every row.</summary>
[MessagePackObject]
public sealed record SweepChunk(
    [property: Key(0)] string SweepId,
    [property: Key(1)] long ChunkId,
    [property: Key(2)] long FirstPoint,
    [property: Key(3)] int Count,
    [property: Key(4)] string SpecJson,
    [property: Key(5)] bool FrontOnly = false) : IClusterMessage;

/// <summary>One evaluated sweep point; <paramref name="Fields"/> follows <c>SweepPlan.MetricColumns</c>.</summary>
[MessagePackObject]
public sealed record SweepRow([property: Key(0)] long Point, [property: Key(1)] double[] Fields, [property: Key(2)] string Mask) : IClusterMessage;

/// <summary>
/// A chunk's result: every row and the points of its local Pareto front, or, for a
/// <see cref="SweepChunk.FrontOnly"/> chunk, only the front's rows (<paramref name="ParetoPoints"/> empty).
/// <paramref name="FirstPoint"/> and <paramref name="PointsEvaluated"/> identify the chunk's range either way.
/// </summary>
[MessagePackObject]
public sealed record SweepChunkResult(
    [property: Key(0)] string SweepId,
    [property: Key(1)] long ChunkId,
    [property: Key(2)] SweepRow[] Rows,
    [property: Key(3)] long[] ParetoPoints,
    [property: Key(4)] long FirstPoint = -1,
    [property: Key(5)] int PointsEvaluated = 0) : IClusterMessage;

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

/// <summary>
/// A client submits a study (the settings of `deeptrain optimize` as plain data; network and architecture travel as
/// JSON so the coordinator needs no files). Submitting the same id again re-attaches to the study (it is not re-run);
/// the same id with other settings is rejected.
/// </summary>
[MessagePackObject]
public sealed record SubmitStudy(
    [property: Key(0)] string StudyId,
    [property: Key(1)] string NetworkText,
    [property: Key(2)] string NetworkJson,
    [property: Key(3)] string ArchJson,
    [property: Key(4)] int Sites,
    [property: Key(5)] string Objective,
    [property: Key(6)] string Oracle,
    [property: Key(7)] string Method,
    [property: Key(8)] string Acquisition,
    [property: Key(9)] double Tolerance,
    [property: Key(10)] int Budget,
    [property: Key(11)] int Batch,
    [property: Key(12)] int Seed,
    [property: Key(13)] int ReferenceSeeds,
    [property: Key(14)] int Candidates,
    [property: Key(15)] int Images,
    [property: Key(16)] double TimeoutSeconds,
    [property: Key(17)] int Retries) : IClusterMessage;

[MessagePackObject]
public sealed record StudyAccepted([property: Key(0)] string StudyId, [property: Key(1)] bool Existing, [property: Key(2)] int QueuedBehind) : IClusterMessage;

[MessagePackObject]
public sealed record StudyRejected([property: Key(0)] string StudyId, [property: Key(1)] string Reason) : IClusterMessage;

/// <summary>Asks for the study's records after the first <paramref name="ProposalsFrom"/> proposals and
/// <paramref name="ObservationsFrom"/> observations (in the order the coordinator recorded them).</summary>
[MessagePackObject]
public sealed record GetStudyRecords([property: Key(0)] string StudyId, [property: Key(1)] int ProposalsFrom, [property: Key(2)] int ObservationsFrom) : IClusterMessage;

[MessagePackObject]
public sealed record ProposalRecord([property: Key(0)] long Id, [property: Key(1)] int Round, [property: Key(2)] string Mask, [property: Key(3)] int Seed);

[MessagePackObject]
public sealed record ObservationRecord(
    [property: Key(0)] long Id,
    [property: Key(1)] string Mask,
    [property: Key(2)] double Accuracy,
    [property: Key(3)] string? Error,
    [property: Key(4)] string Worker,
    [property: Key(5)] int Attempts,
    [property: Key(6)] double Seconds);

/// <summary>New records of a study; <paramref name="Stopped"/> says why it ended early, if it did.</summary>
[MessagePackObject]
public sealed record StudyRecords(
    [property: Key(0)] string StudyId,
    [property: Key(1)] ProposalRecord[] Proposals,
    [property: Key(2)] ObservationRecord[] Observations,
    [property: Key(3)] bool Finished,
    [property: Key(4)] string? Stopped,
    [property: Key(5)] int QueuedBehind) : IClusterMessage;
