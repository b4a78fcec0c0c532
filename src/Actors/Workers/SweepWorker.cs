using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Sweeps;

namespace DeepTrain.Actors.Workers;

/// <summary>
/// Pulls sweep chunks, evaluates them in vectorized batches and replies with the rows and the chunk's local Pareto
/// front (only the front's rows for a front-only chunk). One chunk evaluated at a time per worker actor (start one per
/// core), the next one already requested. The sweep spec travels with the chunk and is
/// parsed once per sweep; it is model input only, never executed.
/// </summary>
public sealed class SweepWorker : ReceiveActor, IWithTimers
{
    private sealed record Tick;

    private readonly IActorRef _coordinator;
    private readonly string _id;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private (string SweepId, SweepEvaluator Eval)? _current;

    public ITimerScheduler Timers { get; set; } = null!;

    public SweepWorker(IActorRef coordinator)
    {
        _coordinator = coordinator;
        _id = $"{((ExtendedActorSystem)Context.System).Provider.DefaultAddress}/{Self.Path.Name}"; // unique across nodes
        Receive<SweepChunk>(Evaluate);
        Receive<NoWorkNow>(_ => Timers.StartSingleTimer("ask", new Tick(), TimeSpan.FromMilliseconds(500)));
        Receive<Tick>(_ => _coordinator.Tell(new RequestSweepChunk(_id)));
    }

    public static Props Props(IActorRef coordinator) => Akka.Actor.Props.Create(() => new SweepWorker(coordinator));

    protected override void PreStart() => _coordinator.Tell(new RequestSweepChunk(_id));

    private void Evaluate(SweepChunk c)
    {
        // Ask for the next chunk before evaluating this one: it travels while we compute (at most two in hand), so the
        // pull round trip (~0.3–0.4 ms on loopback) is hidden instead of added to every chunk.
        _coordinator.Tell(new RequestSweepChunk(_id));
        try
        {
            if (_current?.SweepId != c.SweepId) _current = (c.SweepId, new SweepEvaluator(SweepPlan.Parse(c.SpecJson)));
            if (c.FrontOnly)
            {
                var (front, points) = _current.Value.Eval.EvaluateFront(c.FirstPoint, c.Count);
                Sender.Tell(new SweepChunkResult(c.SweepId, c.ChunkId, front, [], c.FirstPoint, points));
            }
            else
            {
                var (rows, front) = _current.Value.Eval.Evaluate(c.FirstPoint, c.Count);
                Sender.Tell(new SweepChunkResult(c.SweepId, c.ChunkId, rows, front, c.FirstPoint, rows.Length));
            }
        }
        catch (Exception e)
        {
            // A bad chunk must not take the worker down; the coordinator re-issues it after its timeout.
            _log.Error(e, "sweep chunk {0} failed", c.ChunkId);
        }
    }
}
