using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DeepTrain.Model.Search.Oracles;

/// <summary>
/// `command:"PROGRAM ARG…"` — runs an external training program per call. The template is split once with shell-like
/// quoting (<see cref="SplitArguments"/>) and started directly, never through a shell. In every argument the
/// placeholders {mask} (0/1 string in site order), {net} and {seed} are replaced; the same values are in the
/// environment as DEEPTRAIN_MASK, DEEPTRAIN_NET, DEEPTRAIN_SEED. The last non-empty line of standard output must be a
/// JSON object with a numeric "accuracy" in percent. Timeout, non-zero exit, missing/non-JSON line, NaN or a value
/// outside 0..100 is a failed call whose message carries the stderr tail. Placeholders are refused in the program
/// position. Each call runs in its own process group and dies with this process (<see cref="OracleProcess"/>); on a
/// timeout or cancellation the whole group is killed, and the recorded failure says so.
/// </summary>
public sealed class CommandOracle : IAccuracyOracle
{
    private readonly string[] _argv;

    public CommandOracle(string template, TimeSpan timeout)
    {
        _argv = SplitArguments(template);
        if (_argv.Length == 0) throw new OracleError("command oracle: empty command");
        if (Placeholders.Any(_argv[0].Contains))
            throw new OracleError($"command oracle: the program '{_argv[0]}' contains a placeholder; {{mask}}, {{net}} and {{seed}} are only allowed in arguments");
        Timeout = timeout;
        Name = "command:" + template;
    }

    public static readonly string[] Placeholders = ["{mask}", "{net}", "{seed}"];

    public string Name { get; }
    public TimeSpan Timeout { get; }
    public IReadOnlyList<string> Arguments => _argv;

    /// <summary>POSIX-shell-like word splitting: whitespace separates, '…' is literal, "…" allows \" \\ \$ \`
    /// escapes, a backslash outside quotes escapes the next character. No expansion of any kind.</summary>
    public static string[] SplitArguments(string s)
    {
        var args = new List<string>();
        var cur = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsWhiteSpace(c)) { if (inWord) { args.Add(cur.ToString()); cur.Clear(); inWord = false; } continue; }
            inWord = true;
            if (c == '\'')
            {
                int j = s.IndexOf('\'', i + 1);
                if (j < 0) throw new OracleError("command oracle: unterminated ' quote");
                cur.Append(s, i + 1, j - i - 1); i = j;
            }
            else if (c == '"')
            {
                i++;
                for (; i < s.Length && s[i] != '"'; i++)
                {
                    if (s[i] == '\\' && i + 1 < s.Length && "\"\\$`".IndexOf(s[i + 1]) >= 0) i++;
                    cur.Append(s[i]);
                }
                if (i >= s.Length) throw new OracleError("command oracle: unterminated \" quote");
            }
            else if (c == '\\')
            {
                if (i + 1 >= s.Length) throw new OracleError("command oracle: trailing backslash");
                cur.Append(s[++i]);
            }
            else cur.Append(c);
        }
        if (inWord) args.Add(cur.ToString());
        return args.ToArray();
    }

    /// <summary>How long to keep reading stdout/stderr after the oracle's main process exited: a background child that
    /// still holds the pipes is not waited for beyond this.</summary>
    public static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    public async Task<OracleResult> EvaluateAsync(OracleRequest request, CancellationToken cancellationToken)
    {
        string mask = request.Mask.ToString(), seed = request.Seed.ToString(CultureInfo.InvariantCulture);
        string Sub(string a) => a.Replace("{mask}", mask).Replace("{net}", request.Network).Replace("{seed}", seed);
        var argv = new List<string> { _argv[0] };
        for (int i = 1; i < _argv.Length; i++) argv.Add(Sub(_argv[i]));
        var psi = OracleProcess.StartInfo(argv);
        psi.Environment["DEEPTRAIN_MASK"] = mask;
        psi.Environment["DEEPTRAIN_NET"] = request.Network;
        psi.Environment["DEEPTRAIN_SEED"] = seed;
        Process proc;
        try { proc = await OracleProcess.StartAsync(psi).ConfigureAwait(false); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return OracleResult.Failed($"cannot start '{_argv[0]}': {e.Message}");
        }
        using var _ = proc;
        var group = new OracleProcess.Group(proc);
        try
        {
            proc.StandardInput.Close();
            var stdout = new Pump(proc.StandardOutput);
            var stderr = new Pump(proc.StandardError);
            using var timeout = new CancellationTokenSource(Timeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try { await proc.WaitForExitAsync(linked.Token).ConfigureAwait(false); }
            catch (OperationCanceledException)
            {
                string killed = group.KillAll();
                await proc.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                await Pump.Drain(OutputGrace, stderr).ConfigureAwait(false);
                return OracleResult.Failed($"timed out after {Timeout.TotalSeconds:0.#} s; {killed}{Tail(stderr.Text)}");
            }
            // The main process is gone; what it wrote is in the pipes. Children it left behind may hold them open:
            // read for a short grace, then end the whole group (which also closes the pipes).
            await Pump.Drain(OutputGrace, stdout, stderr).ConfigureAwait(false);
            group.KillAll();
            await Pump.Drain(OutputGrace, stdout, stderr).ConfigureAwait(false);
            if (proc.ExitCode != 0) return OracleResult.Failed($"exited with code {proc.ExitCode}{Tail(stderr.Text)}");
            return ParseOutput(stdout.Text, stderr.Text);
        }
        finally { group.KillAll(); }
    }

    /// <summary>Reads a pipe to its end in the background; <see cref="Text"/> is what has arrived so far.</summary>
    private sealed class Pump
    {
        private readonly StringBuilder _sb = new();
        private readonly Task _task;

        public Pump(StreamReader r)
        {
            _task = Task.Run(async () =>
            {
                var buf = new char[4096];
                try
                {
                    int n;
                    while ((n = await r.ReadAsync(buf).ConfigureAwait(false)) > 0) lock (_sb) _sb.Append(buf, 0, n);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
            });
        }

        public string Text { get { lock (_sb) return _sb.ToString(); } }

        /// <summary>Waits until every pump reached end of file, or the grace has passed.</summary>
        public static Task Drain(TimeSpan grace, params Pump[] pumps) =>
            Task.WhenAny(Task.WhenAll(pumps.Select(p => p._task)), Task.Delay(grace));
    }

    /// <summary>Reads {"accuracy": …} from the last non-empty stdout line.</summary>
    public static OracleResult ParseOutput(string stdout, string stderr)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0) return OracleResult.Failed("printed nothing on stdout" + Tail(stderr));
        string last = lines[^1];
        try
        {
            using var doc = JsonDocument.Parse(last, new JsonDocumentOptions { AllowTrailingCommas = false });
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("accuracy", out var a))
                return OracleResult.Failed($"last stdout line has no \"accuracy\": {Clip(last)}{Tail(stderr)}");
            double acc;
            if (a.ValueKind == JsonValueKind.Number) acc = a.GetDouble();
            else if (a.ValueKind == JsonValueKind.String && a.GetString() is "NaN" or "nan") acc = double.NaN;
            else return OracleResult.Failed($"\"accuracy\" is not a number: {Clip(last)}{Tail(stderr)}");
            if (AccuracyCheck.Problem(acc) is { } p) return OracleResult.Failed(p + Tail(stderr));
            return OracleResult.Ok(acc);
        }
        catch (JsonException)
        {
            return OracleResult.Failed($"last stdout line is not JSON: {Clip(last)}{Tail(stderr)}");
        }
    }

    private static string Clip(string s) => s.Length <= 120 ? s : s[..117] + "...";

    /// <summary>" (stderr: …last 400 characters…)" or "".</summary>
    public static string Tail(string stderr)
    {
        var t = stderr.Trim();
        if (t.Length == 0) return "";
        if (t.Length > 400) t = "…" + t[^400..];
        return " (stderr: " + t.ReplaceLineEndings(" | ") + ")";
    }
}
