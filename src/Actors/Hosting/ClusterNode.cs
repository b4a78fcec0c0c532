using Akka.Actor;

namespace DeepTrain.Actors.Hosting;

/// <summary>
/// A cluster member that outlives its ActorSystem. Akka.Cluster never lets a node that was downed or removed (for
/// example by the split-brain resolver after the coordinator was killed) join again with the same system, so when the
/// system terminates without <see cref="StopAsync"/> having been asked for, this starts a fresh one (new UID, same
/// options) and runs <c>startActors</c> on it again; it then re-joins the seed, retrying until the seed answers
/// (cluster.hocon: shutdown-after-unsuccessful-join-seed-nodes = off). While a system is not yet a member, one line
/// says so on <c>log</c> after <see cref="JoinNotice"/>; it keeps trying until stopped.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>How long a node may try to join before it says that its seed does not answer.</summary>
    public static readonly TimeSpan JoinNotice = TimeSpan.FromSeconds(5);

    private readonly NodeOptions _options;
    private readonly Action<ActorSystem> _startActors;
    private readonly TextWriter? _log;
    private readonly TimeSpan _joinNotice;
    private readonly string _name;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _supervision;
    private volatile ActorSystem _system;
    private int _incarnation;

    private ClusterNode(NodeOptions options, Action<ActorSystem> startActors, TextWriter? log, TimeSpan joinNotice, string name)
    {
        _options = options; _startActors = startActors; _log = log; _joinNotice = joinNotice; _name = name;
        _system = StartIncarnation();
        _supervision = Task.Run(SuperviseAsync);
    }

    /// <summary>Starts the first system (a bind error throws <see cref="Model.UserError"/> here) and supervises it.</summary>
    public static ClusterNode Start(NodeOptions options, Action<ActorSystem> startActors, TextWriter? log,
        TimeSpan? joinNotice = null, string name = "deeptrain node") =>
        new(options, startActors, log, joinNotice ?? JoinNotice, name);

    /// <summary>The current ActorSystem (replaced after each rejoin).</summary>
    public ActorSystem System => _system;

    /// <summary>How many systems were started (1 until the first rejoin).</summary>
    public int Incarnations => Volatile.Read(ref _incarnation);

    /// <summary>Completes when supervision ends: after <see cref="StopAsync"/>, or when a restart failed (it throws).</summary>
    public Task Completion => _supervision;

    /// <summary>Raised with each new system after a rejoin (not for the first one).</summary>
    public event Action<ActorSystem>? Restarted;

    private ActorSystem StartIncarnation()
    {
        var system = ClusterHost.Start(_options);
        int n = Interlocked.Increment(ref _incarnation);
        try { _startActors(system); }
        catch { system.Terminate().Wait(TimeSpan.FromSeconds(10)); throw; }
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        _ = NoticeAsync(up.Task, system, n);
        return system;
    }

    private async Task NoticeAsync(Task up, ActorSystem system, int incarnation)
    {
        var first = await Task.WhenAny(up, system.WhenTerminated, Task.Delay(_joinNotice, _stop.Token).ContinueWith(_ => { })).ConfigureAwait(false);
        if (first == up || _stop.IsCancellationRequested || system.WhenTerminated.IsCompleted) return;
        var seeds = _options.Seeds.Count == 0 ? "itself" : string.Join(", ", _options.Seeds);
        Write($"{_name}: not a cluster member after {_joinNotice.TotalSeconds:0} s: no answer from seed {seeds}; still trying (Ctrl-C to stop)");
        await Task.WhenAny(up, system.WhenTerminated).ConfigureAwait(false);
        if (up.IsCompleted && !_stop.IsCancellationRequested)
            Write($"{_name}: joined the cluster{(incarnation > 1 ? " again" : "")} via {seeds}");
    }

    private async Task SuperviseAsync()
    {
        while (true)
        {
            var current = _system;
            await current.WhenTerminated.ConfigureAwait(false);
            // Only a node the cluster downed (the split-brain resolver, after its coordinator was lost) starts again;
            // Ctrl-C, SIGTERM (Akka's CLR exit hook) and a plain Terminate end the node.
            if (_stop.IsCancellationRequested || CoordinatedShutdown.Get(current).ShutdownReason is not CoordinatedShutdown.ClusterDowningReason) return;
            Write($"{_name}: left the cluster (downed or removed, e.g. its coordinator was lost); starting again and re-joining {string.Join(", ", _options.Seeds)}");
            try { await Task.Delay(TimeSpan.FromMilliseconds(200), _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            ActorSystem next;
            try { next = StartIncarnation(); }
            catch when (_stop.IsCancellationRequested) { return; }
            _system = next;
            if (_stop.IsCancellationRequested) { await next.Terminate().ConfigureAwait(false); return; }
            Restarted?.Invoke(next);
        }
    }

    /// <summary>Leaves the cluster gracefully (coordinated shutdown) and stops supervising.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        var s = _system;
        await CoordinatedShutdown.Get(s).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        await s.WhenTerminated.ConfigureAwait(false);
        try { await _supervision.ConfigureAwait(false); } catch (Model.UserError) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Write(string line)
    {
        if (_log is null) return;
        lock (_log) _log.WriteLine(line);
    }
}
