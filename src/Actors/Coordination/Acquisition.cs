using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Model.Search.Optim;

namespace DeepTrain.Actors.Coordination;

/// <summary>Local message (never crosses the wire): the engine asks its coordinator to score one acquisition round.</summary>
public sealed record ScoreRound(ScoringRound Round, TaskCompletionSource<RoundScores> Done);

/// <summary>Per-chunk shortlists that came back, and the chunks nobody scored (no acquisition worker left).</summary>
public sealed record RoundScores(List<IReadOnlyList<ShortlistEntry>> Parts, List<(int First, int Count)> Unscored, int RemoteChunks);

/// <summary>
/// The search engine's <see cref="ICandidateScorer"/> in a cluster: the BO proposer (running on a background task of
/// the coordinator) hands the round's candidates to the coordinator actor, which splits them into chunks for
/// AcquisitionWorkers and returns their shortlists; chunks nobody could score are scored here. Merged with
/// <see cref="CandidateScoring.Merge"/>, so the shortlist is exactly the local one whatever the worker count.
/// Before <see cref="Attach"/> (or with no acquisition worker known) it scores locally.
/// </summary>
public sealed class ActorScorer(int chunkCandidates = 4096) : ICandidateScorer
{
    private volatile IActorRef? _coordinator;
    private long _remote, _local;

    public int ChunkCandidates { get; } = chunkCandidates;
    /// <summary>Chunks scored by acquisition workers / in this process so far.</summary>
    public long RemoteChunks => Interlocked.Read(ref _remote);
    public long LocalChunks => Interlocked.Read(ref _local);

    public void Attach(IActorRef coordinator) => _coordinator = coordinator;
    public void Detach() => _coordinator = null;

    public IReadOnlyList<ShortlistEntry> Shortlist(ScoringRound r, CancellationToken ct)
    {
        var coordinator = _coordinator;
        if (coordinator is null)
        {
            Interlocked.Add(ref _local, CandidateScoring.Chunks(r.Count, ChunkCandidates).Count());
            return new LocalScorer(ChunkCandidates).Shortlist(r, ct);
        }
        var done = new TaskCompletionSource<RoundScores>(TaskCreationOptions.RunContinuationsAsynchronously);
        coordinator.Tell(new ScoreRound(r, done));
        var scores = done.Task.WaitAsync(ct).GetAwaiter().GetResult();
        Interlocked.Add(ref _remote, scores.RemoteChunks);
        var parts = scores.Parts;
        foreach (var (first, count) in scores.Unscored)
        {
            ct.ThrowIfCancellationRequested();
            parts.Add(CandidateScoring.ChunkShortlist(r.Snapshot, r.Context, r.Masks.AsSpan(first * r.Words, count * r.Words),
                r.F.AsSpan(first, count), count, first, r.K, r.Observed));
            Interlocked.Increment(ref _local);
        }
        return CandidateScoring.Merge(parts, r.Masks, r.Words, r.K);
    }
}

/// <summary>
/// The coordinator's side of distributed acquisition (a plain object owned by the coordinator actor): publishes the
/// round's GP snapshot to each worker before its first chunk, hands out chunks to workers that asked (pull, at most
/// the slots they stated), re-issues chunks held by a lost worker or past their deadline, ignores late duplicates and
/// malformed replies, and completes the round when every chunk has a shortlist — or hands the rest back for local
/// scoring when no acquisition worker is left. A snapshot above <c>shipTrainingAboveBytes</c> is replaced by the GP's
/// O(n) training data (workers refactor it); without training data, one larger than <c>maxSnapshotBytes</c> (keep it
/// below Akka.Remote's maximum-frame-size in cluster.hocon) is not shipped and that round is scored on the coordinator.
/// </summary>
public sealed class AcquisitionDispatch(string studyId, int chunkCandidates, TimeSpan reissueAfter, long maxSnapshotBytes = 30_000_000,
    long shipTrainingAboveBytes = 1_000_000)
{
    /// <summary>Chunks each known worker wants in hand at once (it stated this when it asked).</summary>
    private readonly Dictionary<IActorRef, int> _slots = new();
    private ScoreRound? _round;
    private long _version;
    /// <summary>The round's model as published: a <see cref="Contracts.GpSnapshot"/> or, for large n, a
    /// <see cref="GpTraining"/> the worker refactors.</summary>
    private IClusterMessage? _snapshot;
    private List<(int First, int Count)> _chunks = [];
    private readonly Queue<int> _pending = new();
    private readonly Dictionary<int, (IActorRef Worker, DateTime Deadline)> _held = new();
    /// <summary>Chunks each worker holds (kept with <see cref="_held"/>: dispatch is per result, so no scan of it).</summary>
    private readonly Dictionary<IActorRef, int> _heldBy = new();
    private readonly Dictionary<int, IReadOnlyList<ShortlistEntry>> _done = new();
    private readonly HashSet<IActorRef> _hasSnapshot = new();

    public int KnownWorkers => _slots.Count;
    public bool Active => _round is not null;

    public void Begin(ScoreRound r)
    {
        var round = r.Round;
        _round = r; _version++;
        _chunks = CandidateScoring.Chunks(round.Count, chunkCandidates).ToList();
        _pending.Clear(); ClearHeld(); _done.Clear(); _hasSnapshot.Clear();
        for (int i = 0; i < _chunks.Count; i++) _pending.Enqueue(i);
        long bytes = SnapshotBytes(round);
        bool ship = round.Training is not null && bytes > shipTrainingAboveBytes;
        if (_slots.Count == 0 || _chunks.Count == 0 || (!ship && bytes > maxSnapshotBytes)) { Complete(); return; }
        var c = round.Context;
        if (ship)
        {
            var t = round.Training!;
            _snapshot = new GpTraining(studyId, _version, (int)t.Kernel, t.SiteCount, t.CountFeature, t.Theta, t.X, t.Y,
                (int)c.Kind, c.Threshold, c.FBest, c.Kappa, c.ThompsonSeed, round.Observed.ToArray(), round.K);
        }
        else
        {
            var d = round.Snapshot.Export();
            _snapshot = new Contracts.GpSnapshot(studyId, _version, (int)d.Kernel, d.SiteCount, d.CountFeature, d.Theta, d.X, d.Count,
                d.Alpha, d.LinvPacked, d.Mean, d.Std, (int)c.Kind, c.Threshold, c.FBest, c.Kappa, c.ThompsonSeed,
                round.Observed.ToArray(), round.K);
        }
        Dispatch();
    }

    /// <summary>Approximate wire size of the round's snapshot (it must fit Akka.Remote's maximum-frame-size).</summary>
    public static long SnapshotBytes(ScoringRound r)
    {
        long n = r.Snapshot.Count;
        return 8 * (n * (n + 1) / 2 + n + n * r.Words + r.Observed.Count + r.Snapshot.Theta.Length) + 1024;
    }

    /// <summary>A worker (re)states how many chunks it wants in hand. Its free slots are always slots − chunks it
    /// holds, so a result coming back frees a slot at once — no need to wait for the worker's next request, which may
    /// travel another path (through the singleton proxy) and arrive before the result.</summary>
    public void Request(IActorRef worker, int slots)
    {
        _slots[worker] = Math.Clamp(slots, 1, 64);
        Dispatch();
    }

    public void Scored(ScoredCandidates s, IActorRef worker)
    {
        if (_round is null || s.Version != _version || s.ChunkId < 0 || s.ChunkId >= _chunks.Count) return; // stale
        int idx = (int)s.ChunkId;
        if (_done.ContainsKey(idx)) return; // late duplicate
        if (_held.TryGetValue(idx, out var h) && h.Worker.Equals(worker)) Release(idx);
        var entries = Validate(s, idx);
        if (entries is null)
        {
            if (!_held.ContainsKey(idx) && !_pending.Contains(idx)) _pending.Enqueue(idx);
            Dispatch();
            return;
        }
        _done[idx] = entries;
        if (_done.Count == _chunks.Count) Complete();
        else Dispatch();
    }

    /// <summary>A malformed shortlist (wrong sizes, indices outside the chunk, too long) is treated as not scored.</summary>
    private List<ShortlistEntry>? Validate(ScoredCandidates s, int idx)
    {
        var r = _round!.Round;
        var (first, count) = _chunks[idx];
        if (s.Error is not null || s.Indices is null || s.Scores is null || s.Indices.Length != s.Scores.Length || s.Indices.Length > r.K)
            return null;
        var list = new List<ShortlistEntry>(s.Indices.Length);
        for (int i = 0; i < s.Indices.Length; i++)
        {
            int g = s.Indices[i];
            if (g < first || g >= first + count || double.IsNaN(s.Scores[i])) return null;
            list.Add(new ShortlistEntry(g, r.F[g], s.Scores[i]));
        }
        return list;
    }

    public void Lost(IActorRef worker)
    {
        if (!_slots.Remove(worker) && !_heldBy.ContainsKey(worker)) return;
        _hasSnapshot.Remove(worker);
        foreach (var idx in _held.Where(kv => kv.Value.Worker.Equals(worker)).Select(kv => kv.Key).ToList())
        {
            Release(idx); _pending.Enqueue(idx);
        }
        if (_round is not null && _slots.Count == 0) Complete();
        else Dispatch();
    }

    /// <summary>A worker that let a chunk pass its deadline is forgotten (its chunks re-issued) until it asks again;
    /// with no worker left, the rest of the round is scored locally.</summary>
    public void Tick(DateTime now)
    {
        foreach (var w in _held.Where(kv => kv.Value.Deadline < now).Select(kv => kv.Value.Worker).Distinct().ToList()) Lost(w);
    }

    private void Dispatch()
    {
        if (_round is null) return;
        foreach (var (w, slots) in _slots)
        {
            int free = slots - _heldBy.GetValueOrDefault(w);
            for (; free > 0 && _pending.Count > 0; free--)
            {
                int idx = _pending.Dequeue();
                if (_done.ContainsKey(idx)) continue;
                if (_hasSnapshot.Add(w)) w.Tell(_snapshot);
                var (first, count) = _chunks[idx];
                var r = _round.Round;
                w.Tell(new CandidateChunk(studyId, _version, idx, first, count,
                    r.Masks.AsSpan(first * r.Words, count * r.Words).ToArray(), r.F.AsSpan(first, count).ToArray()));
                _held[idx] = (w, DateTime.UtcNow + reissueAfter);
                _heldBy[w] = _heldBy.GetValueOrDefault(w) + 1;
            }
        }
    }

    private void Release(int idx)
    {
        if (!_held.Remove(idx, out var h)) return;
        if (--_heldBy[h.Worker] == 0) _heldBy.Remove(h.Worker);
    }

    private void ClearHeld() { _held.Clear(); _heldBy.Clear(); }

    private void Complete()
    {
        var r = _round!;
        _round = null;
        var unscored = Enumerable.Range(0, _chunks.Count).Where(i => !_done.ContainsKey(i)).Select(i => _chunks[i]).ToList();
        r.Done.TrySetResult(new RoundScores(_done.Values.ToList(), unscored, _done.Count));
        _pending.Clear(); ClearHeld(); _done.Clear();
    }

    /// <summary>The coordinator stops: the engine's waiting task gets the chunks back to score locally.</summary>
    public void Abandon() { if (_round is not null) Complete(); }
}
