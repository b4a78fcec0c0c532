using System.Diagnostics;

namespace DeepTrain.Launcher.Output;

/// <summary>
/// Progress for long work (optimize, sweep, training): a live one-line bar with count, rate and ETA when stderr is a
/// terminal; plain periodic log lines (no control sequences) when it is redirected or in CI; nothing when quiet.
/// Thread-safe. Progress goes to stderr so stdout stays clean for results and --json.
/// </summary>
public sealed class Progress : IDisposable
{
    private readonly string _label;
    private readonly long _total;
    private readonly TextWriter _w;
    private readonly bool _live;
    private readonly bool _quiet;
    private readonly TimeSpan _plainEvery;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private long _done;
    private string _status = "";
    private TimeSpan _lastDraw = TimeSpan.MinValue;
    private bool _finished;
    private long _drawnDone = -1;

    /// <param name="total">Units of work expected (≤ 0 if unknown).</param>
    /// <param name="live">Force live/plain mode (tests); null = live only if stderr is a terminal and CI is unset.</param>
    public Progress(string label, long total, bool quiet = false, TextWriter? writer = null, bool? live = null,
                    TimeSpan? plainEvery = null)
    {
        _label = label;
        _total = total;
        _quiet = quiet;
        _w = writer ?? Console.Error;
        _live = live ?? (!Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
                         && writer is null);
        _plainEvery = plainEvery ?? TimeSpan.FromSeconds(5);
    }

    public long Done { get { lock (_gate) return _done; } }

    /// <summary>Adds <paramref name="units"/> done and sets a short status text (e.g. "best 1.23 ms").</summary>
    public void Advance(long units = 1, string? status = null)
    {
        lock (_gate)
        {
            _done += units;
            if (status is not null) _status = status;
            Draw(force: _total > 0 && _done >= _total);
        }
    }

    public void SetStatus(string status)
    {
        lock (_gate) { _status = status; Draw(false); }
    }

    private void Draw(bool force)
    {
        if (_quiet || _finished) return;
        var now = _clock.Elapsed;
        var every = _live ? TimeSpan.FromMilliseconds(100) : _plainEvery;
        if (!force && _lastDraw != TimeSpan.MinValue && now - _lastDraw < every) return;
        _lastDraw = now;
        _drawnDone = _done;
        string line = Format(now);
        if (_live) _w.Write("\r\u001b[2K" + line);
        else _w.WriteLine(line);
        _w.Flush();
    }

    /// <summary>The progress text without any control sequence.</summary>
    public string Format(TimeSpan elapsed)
    {
        double secs = Math.Max(elapsed.TotalSeconds, 1e-9);
        double rate = _done / secs;
        string count = _total > 0 ? $"{_done}/{_total}" : $"{_done}";
        string eta = _total > 0 && rate > 0 && _done < _total ? $" ETA {FormatSpan(TimeSpan.FromSeconds((_total - _done) / rate))}" : "";
        string bar = "";
        if (_live && _total > 0)
        {
            int filled = (int)Math.Round(20.0 * Math.Min(1, (double)_done / _total));
            bar = "[" + new string('#', filled) + new string('.', 20 - filled) + "] ";
        }
        string status = _status.Length > 0 ? "  " + _status : "";
        return $"{_label} {bar}{count}  {Units.Sig(rate, 3)}/s  {FormatSpan(elapsed)}{eta}{status}";
    }

    public static string FormatSpan(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s" : $"{t.TotalSeconds:F1}s";

    public void Dispose()
    {
        lock (_gate)
        {
            if (_finished) return;
            // A plain log that already shows the final count needs no second, identical line.
            if (!_quiet && (_live || _drawnDone != _done))
            {
                string line = Format(_clock.Elapsed);
                if (_live) _w.WriteLine("\r\u001b[2K" + line);
                else _w.WriteLine(line);
                _w.Flush();
            }
            _finished = true;
        }
    }
}
