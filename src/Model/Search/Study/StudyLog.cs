using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepTrain.Model.Search.Study;

/// <summary>
/// Durable study log, one JSON object per line (docs/SEARCH.md "Study log"): a "study" header with the config, then
/// "ask" lines (round, masks, seeds) written before the oracle calls start and "observation" lines written and flushed
/// as soon as each call ends. A torn last line (killed mid-write) is ignored on load and cut off before appending;
/// every other record is validated (<see cref="StudyRecordValidator"/>). While open for writing the log holds an
/// exclusive <see cref="StudyLock"/> (LOG.lock), so a second writer is refused.
/// </summary>
public sealed class StudyLog : IStudyStore
{
    private readonly FileStream _stream;
    private readonly StudyLock _lock;
    private readonly object _gate = new();

    private StudyLog(FileStream s, StudyLock l) { _stream = s; _lock = l; }

    public string Path => _stream.Name;

    /// <summary>Starts a new log (an existing file is replaced: callers refuse that unless asked to).</summary>
    /// <param name="launch">Settings outside <see cref="StudyConfig"/> that the launcher needs to continue the study
    /// from the log alone (--net as typed, --images, --arch, …), written under "launch" in the header; readers that do
    /// not know the key ignore it.</param>
    public static StudyLog Create(string path, StudyConfig config, JsonObject? launch = null)
    {
        var l = StudyLock.Acquire(path); // before truncating: a live writer's log is never cut
        FileStream s;
        try { s = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read); }
        catch { l.Dispose(); throw; }
        var log = new StudyLog(s, l);
        var header = HeaderJson(config);
        if (launch is not null) header["launch"] = launch;
        log.Write(header);
        return log;
    }

    /// <summary>Opens an existing log for appending after <paramref name="validLength"/> bytes (from <see cref="Read"/>).</summary>
    public static StudyLog Append(string path, long validLength)
    {
        var l = StudyLock.Acquire(path);
        FileStream s;
        try
        {
            s = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
            s.SetLength(validLength);
            s.Seek(validLength, SeekOrigin.Begin);
        }
        catch { l.Dispose(); throw; }
        return new StudyLog(s, l);
    }

    public void WriteAsk(int round, IReadOnlyList<(string Mask, int Seed)> items)
    {
        var o = new JsonObject
        {
            ["type"] = "ask", ["round"] = round,
            ["masks"] = new JsonArray(items.Select(i => (JsonNode?)JsonValue.Create(i.Mask)).ToArray()),
            ["seeds"] = new JsonArray(items.Select(i => (JsonNode?)JsonValue.Create(i.Seed)).ToArray()),
        };
        Write(o);
    }

    public void WriteObservation(Observation ob)
    {
        var o = new JsonObject
        {
            ["type"] = "observation", ["round"] = ob.Round, ["slot"] = ob.Slot, ["mask"] = ob.Mask, ["seed"] = ob.Seed,
            ["accuracy"] = ob.AccuracyPercent, ["objective"] = ob.Objective, ["error"] = ob.Error,
            ["attempts"] = ob.Attempts, ["seconds"] = ob.Seconds,
        };
        Write(o);
    }

    private void Write(JsonObject o)
    {
        var bytes = Encoding.UTF8.GetBytes(o.ToJsonString() + "\n");
        lock (_gate) { _stream.Write(bytes); _stream.Flush(flushToDisk: true); }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _lock.Dispose();
    }

    public static JsonObject HeaderJson(StudyConfig c) => new()
    {
        ["type"] = "study", ["version"] = 1, ["network"] = c.Network, ["sites"] = c.SiteCount, ["objective"] = c.Objective,
        ["oracle"] = c.Oracle, ["method"] = c.Method, ["tolerance"] = c.TolerancePercent, ["budget"] = c.Budget,
        ["batch"] = c.BatchSize, ["seed"] = c.Seed, ["referenceSeeds"] = c.ReferenceSeeds, ["acquisition"] = c.Acquisition,
        ["candidates"] = c.Candidates,
        // What "accuracy" holds in this log: the proxy oracle records a trainability score (docs/TRAINER.md).
        ["metric"] = c.Oracle.TrimStart().StartsWith("proxy", StringComparison.OrdinalIgnoreCase) ? "score" : "accuracy",
    };

    public sealed record Contents(StudyConfig Config, List<(int Round, List<(string Mask, int Seed)> Items)> Asks,
                                  List<Observation> Observations, long ValidLength)
    {
        /// <summary>The header's "launch" settings (null in logs written before they were recorded).</summary>
        public JsonObject? Launch { get; init; }
    }

    /// <summary>Reads and validates a log (<see cref="StudyRecordValidator"/>). A torn last line (no newline: the
    /// writer was killed mid-record) is dropped; anything else that is wrong throws a <see cref="UserError"/> of one
    /// line naming the line number ("study.jsonl line 7: duplicate observation of round 2 slot 1 (proposal 5)").</summary>
    public static Contents Read(string path)
    {
        if (!File.Exists(path)) throw new UserError($"study log '{path}' not found");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserError($"cannot read study log '{path}': {e.Message}"); }
        var v = new StudyRecordValidator(path);
        long valid = 0; int pos = 0, lineNo = 0;
        while (pos < bytes.Length)
        {
            int nl = Array.IndexOf(bytes, (byte)'\n', pos);
            if (nl < 0) break; // torn last line
            lineNo++;
            string where = $"{path} line {lineNo}";
            string line;
            try { line = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, pos, nl - pos); }
            catch (ArgumentException) { throw new UserError($"{where}: not UTF-8 text"); }
            ParseLine(line, where, lineNo, v);
            pos = nl + 1; valid = pos;
        }
        if (lineNo == 0) throw new UserError($"{path}: empty study log");
        return v.Finish(valid);
    }

    /// <summary>Parses and validates a header record (the first line of a log) on its own.</summary>
    public static StudyConfig ParseHeader(string line, string where)
    {
        var v = new StudyRecordValidator(where);
        ParseLine(line, where, 1, v);
        return v.Config;
    }

    private static void ParseLine(string line, string where, int lineNo, StudyRecordValidator v)
    {
        if (line.Length == 0) throw new UserError($"{where}: empty line");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(line); }
        catch (JsonException) { throw new UserError(lineNo == 1 ? $"{where}: not a study log (the first line is not JSON)" : $"{where}: not JSON (a cut or corrupted record)"); }
        using (doc)
        {
            var r = new Fields(doc.RootElement, where);
            string type = r.Root.ValueKind == JsonValueKind.Object && r.Root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()! : "";
            if (lineNo == 1 && type != "study") throw new UserError($"{where}: not a study log (the first line is not a study header)");
            switch (type)
            {
                case "study":
                    int version = r.Int("version");
                    if (version != 1) throw new UserError($"{where}: study log version {version} is not supported (this build reads version 1)");
                    v.Header(new StudyConfig
                    {
                        Network = r.Str("network"), SiteCount = r.Int("sites"), Objective = r.Str("objective"), Oracle = r.Str("oracle"),
                        Method = r.Str("method"), TolerancePercent = r.Num("tolerance"), Budget = r.Int("budget"), BatchSize = r.Int("batch"),
                        Seed = r.Int("seed"), ReferenceSeeds = r.Int("referenceSeeds"), Acquisition = r.OptStr("acquisition") ?? "ei",
                        Candidates = r.OptInt("candidates") ?? 20000,
                    }, where);
                    if (r.Root.TryGetProperty("launch", out var launch) && launch.ValueKind != JsonValueKind.Null)
                        v.Launch = launch.ValueKind == JsonValueKind.Object
                            ? (JsonObject)JsonNode.Parse(launch.GetRawText())!
                            : throw new UserError($"{where}: \"launch\" is not an object");
                    break;
                case "ask":
                {
                    var masks = r.Array("masks"); var seeds = r.Array("seeds");
                    if (masks.GetArrayLength() != seeds.GetArrayLength())
                        throw new UserError($"{where}: ask has {masks.GetArrayLength()} masks but {seeds.GetArrayLength()} seeds");
                    var items = new List<(string, int)>();
                    int i = 0;
                    foreach (var (m, s) in masks.EnumerateArray().Zip(seeds.EnumerateArray()))
                    {
                        if (m.ValueKind != JsonValueKind.String) throw new UserError($"{where}: masks[{i}] is not a string");
                        if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt32(out int seed)) throw new UserError($"{where}: seeds[{i}] is not an integer");
                        items.Add((m.GetString()!, seed)); i++;
                    }
                    v.Ask(r.Int("round"), items, where);
                    break;
                }
                case "observation":
                    v.Observation(new Observation(r.Int("round"), r.Int("slot"), r.Str("mask"), r.Int("seed"), r.OptNum("accuracy"),
                        r.Num("objective"), r.OptStr("error"), r.Int("attempts"), r.Num("seconds")), where);
                    break;
                default: throw new UserError($"{where}: unknown record type '{Clip(type)}'");
            }
        }
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..37] + "...";

    /// <summary>Typed, required-or-optional field access with one-line errors naming the field.</summary>
    private readonly struct Fields(JsonElement root, string where)
    {
        public JsonElement Root => root;

        private JsonElement? Get(string name)
        {
            if (root.ValueKind != JsonValueKind.Object) throw new UserError($"{where}: not a JSON object");
            return root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;
        }

        private JsonElement Req(string name) => Get(name) ?? throw new UserError($"{where}: \"{name}\" is missing");

        public string Str(string name) => OptStr(name) ?? throw new UserError($"{where}: \"{name}\" is missing");
        public string? OptStr(string name) => Get(name) is { } e
            ? e.ValueKind == JsonValueKind.String ? e.GetString() : throw new UserError($"{where}: \"{name}\" is not a string")
            : null;
        public int Int(string name) => OptInt(name) ?? throw new UserError($"{where}: \"{name}\" is missing");
        public int? OptInt(string name) => Get(name) is { } e
            ? e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int x) ? x : throw new UserError($"{where}: \"{name}\" is not a 32-bit integer")
            : null;
        public double Num(string name) => OptNum(name) ?? throw new UserError($"{where}: \"{name}\" is missing");
        public double? OptNum(string name) => Get(name) is { } e
            ? e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double x) && double.IsFinite(x) ? x : throw new UserError($"{where}: \"{name}\" is not a finite number")
            : null;
        public JsonElement Array(string name)
        {
            var e = Req(name);
            return e.ValueKind == JsonValueKind.Array ? e : throw new UserError($"{where}: \"{name}\" is not an array");
        }
    }
}
