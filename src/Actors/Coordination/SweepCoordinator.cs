using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Sweeps;

namespace DeepTrain.Actors.Coordination;

/// <summary>Receives a sweep's results in point order; the CSV writers in the launcher, a list in tests.</summary>
public interface ISweepSink
{
    void Write(IReadOnlyList<SweepRow> rowsInPointOrder);
    void Finish(IReadOnlyList<SweepRow> paretoFront);

    /// <summary>Front-only sweeps (no rows arrive): every point before <paramref name="pointsDone"/> is evaluated.</summary>
    void Reduced(long pointsDone) { }

    /// <summary>
    /// Front-only sweeps, at most about once per checkpoint interval: <paramref name="front"/> is the exact Pareto
    /// front of the points from the sweep's (re)start up to <paramref name="pointsDone"/>.
    /// </summary>
    void Checkpoint(long pointsDone, IReadOnlyList<SweepRow> front) { }
}

/// <summary>
/// Hands out sweep chunks to workers that ask (pull), re-issues a chunk whose worker terminated or that timed out,
/// ignores duplicate chunk results, and writes rows in point order (a reorder buffer), so the output file is always
/// a prefix of the sweep — which is what makes resuming a matter of skipping the rows already written. Merges the
/// workers' local Pareto fronts in the same order, so the merged front is always that of a prefix of the sweep. In
/// front-only mode (`--rows front`) workers send only their chunk's front; the coordinator checkpoints the prefix's
/// front through the sink at most once per checkpoint interval, when the prefix advances.
/// </summary>
public sealed class SweepCoordinator : ReceiveActor, IWithTimers
{
    private sealed record Tick;

    private readonly SweepPlan _plan;
    private readonly ISweepSink _sink;
    private readonly TaskCompletionSource<bool> _done;
    private readonly string _id;
    private readonly int _chunkPoints;
    private readonly TimeSpan _reissueAfter;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<long, SweepChunk> _pending = new();
    private readonly Dictionary<long, (SweepChunk Chunk, IActorRef Worker, DateTime Deadline)> _inFlight = new();
    private readonly SortedDictionary<long, (SweepRow[] Rows, SweepRow[] Front, int Points)> _arrived = new();
    private readonly List<SweepRow> _front = new();
    private readonly bool _frontOnly;
    private readonly TimeSpan _checkpointEvery;
    private DateTime _lastCheckpoint = DateTime.UtcNow;
    private int _pruneAbove = 4096;
    private long _nextToWrite;

    public ITimerScheduler Timers { get; set; } = null!;

    public SweepCoordinator(string sweepId, SweepPlan plan, long resumeFrom, int chunkPoints, TimeSpan reissueAfter,
        ISweepSink sink, TaskCompletionSource<bool> done, bool frontOnly = false, TimeSpan? checkpointEvery = null)
    {
        _id = sweepId; _plan = plan; _sink = sink; _done = done; _chunkPoints = Math.Max(1, chunkPoints); _reissueAfter = reissueAfter;
        _nextToWrite = resumeFrom; _frontOnly = frontOnly; _checkpointEvery = checkpointEvery ?? TimeSpan.FromSeconds(1);
        for (long p = resumeFrom; p < plan.TotalPoints; p += _chunkPoints)
            _pending[p] = new SweepChunk(sweepId, p / _chunkPoints, p, (int)Math.Min(_chunkPoints, plan.TotalPoints - p), plan.SpecJson, frontOnly);
        Receive<RequestSweepChunk>(_ => Give(Sender));
        Receive<SweepChunkResult>(OnResult);
        Receive<Terminated>(t => Requeue((w, _) => w.Equals(t.ActorRef)));
        Receive<Tick>(_ => { var now = DateTime.UtcNow; Requeue((_, d) => d < now); });
        ReceiveAny(m => _log.Warning("sweep coordinator: unexpected {0} dropped", m.GetType().Name));
    }

    public static Props Props(string sweepId, SweepPlan plan, long resumeFrom, int chunkPoints, TimeSpan reissueAfter,
        ISweepSink sink, TaskCompletionSource<bool> done, bool frontOnly = false, TimeSpan? checkpointEvery = null) =>
        Akka.Actor.Props.Create(() => new SweepCoordinator(sweepId, plan, resumeFrom, chunkPoints, reissueAfter, sink, done,
            frontOnly, checkpointEvery));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("reissue", new Tick(), TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, _reissueAfter.Ticks / 4)));
        CheckDone();
    }

    private readonly HashSet<IActorRef> _idle = new();

    private void Give(IActorRef worker)
    {
        Context.Watch(worker);
        if (_pending.Count == 0) { _idle.Add(worker); worker.Tell(new NoWorkNow("no sweep chunk free")); return; }
        var c = _pending.First().Value;
        _pending.Remove(c.FirstPoint);
        _inFlight[c.FirstPoint] = (c, worker, DateTime.UtcNow + _reissueAfter);
        worker.Tell(c);
    }

    private void OnResult(SweepChunkResult r)
    {
        if (r.SweepId != _id) return;
        long first = r.FirstPoint >= 0 ? r.FirstPoint : r.Rows.Length > 0 ? r.Rows[0].Point : -1;
        SweepChunk? chunk = _inFlight.Remove(first, out var f) ? f.Chunk : _pending.Remove(first, out var c) ? c : null;
        if (chunk is null)
        {
            _log.Info("sweep {0}: duplicate chunk {1} ignored", _id, r.ChunkId);
            return;
        }
        int points = _frontOnly ? r.PointsEvaluated : r.Rows.Length;
        if (points != chunk.Count)
        {
            _log.Warning("sweep {0}: chunk at point {1} came back with {2} of {3} points; re-issued", _id, first, points, chunk.Count);
            _pending[first] = chunk;
            return;
        }
        SweepRow[] front;
        if (_frontOnly) front = r.Rows;
        else
        {
            var onFront = r.ParetoPoints.ToHashSet();
            front = r.Rows.Where(x => onFront.Contains(x.Point)).ToArray();
        }
        _arrived[first] = (_frontOnly ? [] : r.Rows, front, points);
        bool advanced = false;
        while (_arrived.Count > 0 && _arrived.First().Key == _nextToWrite)
        {
            var a = _arrived.First().Value;
            _arrived.Remove(_nextToWrite);
            if (!_frontOnly) _sink.Write(a.Rows);
            _front.AddRange(a.Front);
            _nextToWrite += a.Points;
            advanced = true;
        }
        if (_front.Count > _pruneAbove) Prune();
        if (advanced && _frontOnly && _nextToWrite < _plan.TotalPoints)
        {
            _sink.Reduced(_nextToWrite);
            var now = DateTime.UtcNow;
            if (now - _lastCheckpoint >= _checkpointEvery)
            {
                Prune();
                _sink.Checkpoint(_nextToWrite, _front.OrderBy(x => x.Point).ToList());
                _lastCheckpoint = now;
            }
        }
        CheckDone();
    }

    /// <summary>Keeps only the merged front; prunes again when it has doubled, so merging stays linear on average
    /// even when the true front is large.</summary>
    private void Prune()
    {
        var keep = SweepEvaluator.Reduce(_front, _plan.Top).ToHashSet();
        _front.RemoveAll(r => !keep.Contains(r.Point));
        _pruneAbove = Math.Max(4096, 2 * _front.Count);
    }

    private void CheckDone()
    {
        if (_nextToWrite < _plan.TotalPoints) return;
        Prune();
        if (_frontOnly) _sink.Reduced(_nextToWrite);
        _sink.Finish(_front.OrderBy(r => r.Point).ToList());
        _done.TrySetResult(true);
    }

    private void Requeue(Func<IActorRef, DateTime, bool> which)
    {
        foreach (var key in _inFlight.Where(kv => which(kv.Value.Worker, kv.Value.Deadline)).Select(kv => kv.Key).ToList())
        {
            _pending[key] = _inFlight[key].Chunk;
            _log.Warning("sweep {0}: chunk at point {1} re-issued", _id, key);
            _inFlight.Remove(key);
        }
        foreach (var w in _idle.ToList()) { if (_pending.Count == 0) break; _idle.Remove(w); Give(w); }
    }
}
