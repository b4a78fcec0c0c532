namespace DeepTrain.Training.Kernels;

/// <summary>A unit of parallel work split into numbered chunks. Implemented by layers so dispatch allocates nothing.</summary>
internal interface IChunkJob
{
    /// <param name="chunk">Chunk number, 0 ≤ chunk &lt; count.</param>
    /// <param name="worker">Worker number, 0 ≤ worker &lt; threads: selects per-thread scratch, never results.</param>
    void Execute(int chunk, int worker);
}

/// <summary>
/// Fixed set of threads that run the chunks of one <see cref="IChunkJob"/> at a time; the caller is worker 0.
/// Results must depend on the chunk, never on the worker, so that training is bit-identical for any thread count.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _start = new(0);
    private readonly CountdownEvent _done = new(1);
    private IChunkJob? _job;
    private int _count;
    private int _next;
    private volatile bool _stop;
    private Exception? _error;

    public WorkerPool(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), "at least one thread");
        Threads = threads;
        _threads = new Thread[threads - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i + 1;
            _threads[i] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"deeptrain-train-{worker}" };
            _threads[i].Start();
        }
    }

    public int Threads { get; }

    public void Run(IChunkJob job, int count)
    {
        if (count <= 0) return;
        if (Threads == 1 || count == 1)
        {
            for (int i = 0; i < count; i++) job.Execute(i, 0);
            return;
        }
        int helpers = Math.Min(_threads.Length, count - 1);
        _job = job; _count = count; _next = 0; _error = null;
        _done.Reset(helpers);
        _start.Release(helpers);
        Work(0);
        _done.Wait();
        _job = null;
        if (_error is { } e) throw new AggregateException("a training worker failed", e);
    }

    private void Work(int worker)
    {
        var job = _job!;
        try
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count) job.Execute(i, worker);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
            Volatile.Write(ref _next, int.MaxValue / 2);
        }
    }

    private void Loop(int worker)
    {
        while (true)
        {
            _start.Wait();
            if (_stop) return;
            Work(worker);
            _done.Signal();
        }
    }

    public void Dispose()
    {
        _stop = true;
        if (_threads.Length > 0) _start.Release(_threads.Length);
        foreach (var t in _threads) t.Join();
        _start.Dispose();
        _done.Dispose();
    }
}
