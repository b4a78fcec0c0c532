using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Sweeps;

namespace DeepTrain.Actors.Coordination;

/// <summary>Receives a sweep's rows in point order; the CSV writer in the launcher, a list in tests.</summary>
public interface ISweepSink
{
    void Write(IReadOnlyList<SweepRow> rowsInPointOrder);
    void Finish(IReadOnlyList<SweepRow> paretoFront);
}

/// <summary>
/// Hands out sweep chunks to workers that ask (pull), re-issues a chunk whose worker terminated or that timed out,
/// ignores duplicate chunk results, and writes rows in point order (a reorder buffer), so the output file is always
/// a prefix of the sweep — which is what makes resuming a matter of skipping the rows already written. Merges the
/// workers' local Pareto fronts.
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
    private readonly SortedDictionary<long, SweepRow[]> _arrived = new();
    private readonly List<SweepRow> _front = new();
    private long _nextToWrite;

    public ITimerScheduler Timers { get; set; } = null!;

    public SweepCoordinator(string sweepId, SweepPlan plan, long resumeFrom, int chunkPoints, TimeSpan reissueAfter,
        ISweepSink sink, TaskCompletionSource<bool> done)
    {
        _id = sweepId; _plan = plan; _sink = sink; _done = done; _chunkPoints = Math.Max(1, chunkPoints); _reissueAfter = reissueAfter;
        _nextToWrite = resumeFrom;
        for (long p = resumeFrom, c = 0; p < plan.TotalPoints; p += _chunkPoints, c++)
            _pending[p] = new SweepChunk(sweepId, p / _chunkPoints, p, (int)Math.Min(_chunkPoints, plan.TotalPoints - p), plan.SpecJson);
        Receive<RequestSweepChunk>(_ => Give(Sender));
        Receive<SweepChunkResult>(OnResult);
        Receive<Terminated>(t => Requeue((w, _) => w.Equals(t.ActorRef)));
        Receive<Tick>(_ => { var now = DateTime.UtcNow; Requeue((_, d) => d < now); });
        ReceiveAny(m => _log.Warning("sweep coordinator: unexpected {0} dropped", m.GetType().Name));
    }

    public static Props Props(string sweepId, SweepPlan plan, long resumeFrom, int chunkPoints, TimeSpan reissueAfter,
        ISweepSink sink, TaskCompletionSource<bool> done) =>
        Akka.Actor.Props.Create(() => new SweepCoordinator(sweepId, plan, resumeFrom, chunkPoints, reissueAfter, sink, done));

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
        if (r.SweepId != _id || r.Rows.Length == 0) return;
        long first = r.Rows[0].Point;
        if (!_inFlight.Remove(first) && !_pending.Remove(first))
        {
            _log.Info("sweep {0}: duplicate chunk {1} ignored", _id, r.ChunkId);
            return;
        }
        _arrived[first] = r.Rows;
        var byPoint = r.Rows.ToDictionary(x => x.Point);
        foreach (var p in r.ParetoPoints) if (byPoint.TryGetValue(p, out var row)) _front.Add(row);
        if (_front.Count > 4096) Prune();
        while (_arrived.Count > 0 && _arrived.First().Key == _nextToWrite)
        {
            var rows = _arrived.First().Value;
            _arrived.Remove(_nextToWrite);
            _sink.Write(rows);
            _nextToWrite += rows.Length;
        }
        CheckDone();
    }

    private void Prune()
    {
        var keep = SweepEvaluator.Pareto(_front).ToHashSet();
        _front.RemoveAll(r => !keep.Contains(r.Point));
    }

    private void CheckDone()
    {
        if (_nextToWrite < _plan.TotalPoints) return;
        Prune();
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
