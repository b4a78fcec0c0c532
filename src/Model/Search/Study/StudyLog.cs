using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepTrain.Model.Search.Study;

/// <summary>
/// Durable study log, one JSON object per line (docs/SEARCH.md "Study log"): a "study" header with the config, then
/// "ask" lines (round, masks, seeds) written before the oracle calls start and "observation" lines written and flushed
/// as soon as each call ends. A torn last line (killed mid-write) is ignored on load and cut off before appending.
/// </summary>
public sealed class StudyLog : IDisposable
{
    private readonly FileStream _stream;
    private readonly object _gate = new();

    private StudyLog(FileStream s) { _stream = s; }

    public string Path => _stream.Name;

    /// <param name="launch">Settings outside <see cref="StudyConfig"/> that the launcher needs to continue the study
    /// from the log alone (--net as typed, --images, --arch, …), written under "launch" in the header; readers that do
    /// not know the key ignore it.</param>
    public static StudyLog Create(string path, StudyConfig config, JsonObject? launch = null)
    {
        var s = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        var log = new StudyLog(s);
        var header = HeaderJson(config);
        if (launch is not null) header["launch"] = launch;
        log.Write(header);
        return log;
    }

    /// <summary>Opens an existing log for appending after <paramref name="validLength"/> bytes (from <see cref="Read"/>).</summary>
    public static StudyLog Append(string path, long validLength)
    {
        var s = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        s.SetLength(validLength);
        s.Seek(validLength, SeekOrigin.Begin);
        return new StudyLog(s);
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

    public void Dispose() => _stream.Dispose();

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

    /// <summary>Reads a log; throws <see cref="UserError"/> for a file that is not a study log.</summary>
    public static Contents Read(string path)
    {
        if (!File.Exists(path)) throw new UserError($"--resume: '{path}' not found");
        var bytes = File.ReadAllBytes(path);
        StudyConfig? config = null;
        JsonObject? launch = null;
        var asks = new List<(int, List<(string, int)>)>();
        var obs = new List<Observation>();
        long valid = 0; int pos = 0, lineNo = 0;
        while (pos < bytes.Length)
        {
            int nl = Array.IndexOf(bytes, (byte)'\n', pos);
            if (nl < 0) break; // torn last line
            lineNo++;
            var line = Encoding.UTF8.GetString(bytes, pos, nl - pos);
            JsonNode? node;
            try { node = JsonNode.Parse(line); }
            catch (JsonException) { throw new UserError($"{path}:{lineNo}: not JSON"); }
            string type = node?["type"]?.GetValue<string>() ?? "";
            if (lineNo == 1 && type != "study") throw new UserError($"{path}: not a study log (first line is not a study header)");
            switch (type)
            {
                case "study":
                    config = new StudyConfig
                    {
                        Network = node!["network"]!.GetValue<string>(), SiteCount = node["sites"]!.GetValue<int>(),
                        Objective = node["objective"]!.GetValue<string>(), Oracle = node["oracle"]!.GetValue<string>(),
                        Method = node["method"]!.GetValue<string>(), TolerancePercent = node["tolerance"]!.GetValue<double>(),
                        Budget = node["budget"]!.GetValue<int>(), BatchSize = node["batch"]!.GetValue<int>(),
                        Seed = node["seed"]!.GetValue<int>(), ReferenceSeeds = node["referenceSeeds"]!.GetValue<int>(),
                        Acquisition = node["acquisition"]?.GetValue<string>() ?? "ei",
                        Candidates = node["candidates"]?.GetValue<int>() ?? 20000,
                    };
                    launch = node["launch"] as JsonObject;
                    break;
                case "ask":
                {
                    var masks = node!["masks"]!.AsArray(); var seeds = node["seeds"]!.AsArray();
                    var items = new List<(string, int)>();
                    for (int i = 0; i < masks.Count; i++) items.Add((masks[i]!.GetValue<string>(), seeds[i]!.GetValue<int>()));
                    asks.Add((node["round"]!.GetValue<int>(), items));
                    break;
                }
                case "observation":
                    obs.Add(new Observation(node!["round"]!.GetValue<int>(), node["slot"]!.GetValue<int>(),
                        node["mask"]!.GetValue<string>(), node["seed"]!.GetValue<int>(), node["accuracy"]?.GetValue<double>(),
                        node["objective"]!.GetValue<double>(), node["error"]?.GetValue<string>(),
                        node["attempts"]!.GetValue<int>(), node["seconds"]!.GetValue<double>()));
                    break;
                default: throw new UserError($"{path}:{lineNo}: unknown record type '{type}'");
            }
            pos = nl + 1; valid = pos;
        }
        if (config is null) throw new UserError($"{path}: empty study log");
        return new Contents(config, asks, obs, valid) { Launch = launch };
    }
}
