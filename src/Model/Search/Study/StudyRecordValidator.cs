namespace DeepTrain.Model.Search.Study;

/// <summary>
/// The rules every study record must obey, whichever store it came from (JSONL log or SQLite): one header first, with
/// settings in range; asks for rounds 0, 1, 2, … in order, each with valid masks (one digit per site, 0 or 1) and at
/// most the batch (or reference-seed) count; every observation answers an asked proposal with the same mask and seed,
/// once, with an accuracy in 0..100 or an error (never both), at least one attempt and non-negative seconds.
/// (The budget is not a bound: `--resume` may raise it without rewriting the header.) Each violation is a one-line <see cref="UserError"/>
/// prefixed by where the record is ("study.jsonl line 7: …"), so a corrupted or edited log never replays into a study
/// that repeats recorded calls or uses an impossible number.
/// </summary>
public sealed class StudyRecordValidator(string source)
{
    private const int MaxSites = 1 << 20;
    private StudyConfig? _config;
    private readonly List<(int Round, List<(string Mask, int Seed)> Items)> _asks = new();
    private readonly List<int> _firstProposal = new();
    private readonly List<Observation> _obs = new();
    private readonly HashSet<(int Round, int Slot)> _seen = new();
    private int _asked;

    public StudyConfig Config => _config ?? throw new UserError($"{source}: no study header");

    public void Header(StudyConfig c, string where)
    {
        if (_config is not null) throw new UserError($"{where}: a second study header");
        if (c.SiteCount is < 1 or > MaxSites) throw new UserError($"{where}: \"sites\" {c.SiteCount} is outside 1..{MaxSites}");
        if (c.Budget < 1) throw new UserError($"{where}: \"budget\" {c.Budget} is below 1");
        if (c.BatchSize < 1) throw new UserError($"{where}: \"batch\" {c.BatchSize} is below 1");
        if (c.ReferenceSeeds < 1) throw new UserError($"{where}: \"referenceSeeds\" {c.ReferenceSeeds} is below 1");
        if (c.Candidates < 1) throw new UserError($"{where}: \"candidates\" {c.Candidates} is below 1");
        if (!(c.TolerancePercent is >= 0 and <= 100)) throw new UserError($"{where}: \"tolerance\" {c.TolerancePercent} is outside 0..100");
        if (c.Objective.Length == 0 || c.Oracle.Length == 0 || c.Method.Length == 0)
            throw new UserError($"{where}: \"objective\", \"oracle\" and \"method\" must not be empty");
        _config = c;
    }

    public void Ask(int round, List<(string Mask, int Seed)> items, string where)
    {
        var c = Config;
        int expected = _asks.Count;
        if (round != expected)
            throw new UserError(round < expected
                ? $"{where}: round {round} is asked again (rounds 0..{expected - 1} were already asked)"
                : $"{where}: ask for round {round} out of order (the next round is {expected})");
        if (items.Count == 0) throw new UserError($"{where}: ask for round {round} has no proposals");
        int max = round == 0 ? c.ReferenceSeeds : c.BatchSize;
        if (items.Count > max)
            throw new UserError($"{where}: round {round} asks {items.Count} calls, more than the {(round == 0 ? "reference seeds" : "batch")} ({max})");
        for (int i = 0; i < items.Count; i++)
            if (MaskProblem(items[i].Mask, c.SiteCount) is { } p) throw new UserError($"{where}: masks[{i}] {p}");
        _firstProposal.Add(_asked);
        _asked += items.Count;
        _asks.Add((round, items));
    }

    public void Observation(Observation o, string where)
    {
        _ = Config;
        if (o.Round < 0 || o.Round >= _asks.Count) throw new UserError($"{where}: observation of round {o.Round}, which was never asked");
        var items = _asks[o.Round].Items;
        if (o.Slot < 0 || o.Slot >= items.Count)
            throw new UserError($"{where}: observation of round {o.Round} slot {o.Slot}, but that round asked only {items.Count} call{(items.Count == 1 ? "" : "s")}");
        long proposal = _firstProposal[o.Round] + o.Slot;
        var (mask, seed) = items[o.Slot];
        if (o.Mask != mask) throw new UserError($"{where}: observation of proposal {proposal} has mask {Abbrev(o.Mask)}, but round {o.Round} asked {Abbrev(mask)}");
        if (o.Seed != seed) throw new UserError($"{where}: observation of proposal {proposal} has seed {o.Seed}, but round {o.Round} asked seed {seed}");
        if (!_seen.Add((o.Round, o.Slot))) throw new UserError($"{where}: duplicate observation of proposal {proposal} (round {o.Round} slot {o.Slot})");
        if (o.AccuracyPercent is double a)
        {
            if (!(a is >= 0 and <= 100)) throw new UserError($"{where}: accuracy {a} of proposal {proposal} is outside 0..100 %");
            if (o.Error is not null) throw new UserError($"{where}: observation of proposal {proposal} has both an accuracy and an error");
        }
        else if (string.IsNullOrEmpty(o.Error)) throw new UserError($"{where}: observation of proposal {proposal} has neither an accuracy nor an error");
        if (!double.IsFinite(o.Objective)) throw new UserError($"{where}: objective of proposal {proposal} is not finite");
        if (o.Attempts < 1) throw new UserError($"{where}: observation of proposal {proposal} has {o.Attempts} attempts (at least 1)");
        if (!(o.Seconds >= 0) || !double.IsFinite(o.Seconds)) throw new UserError($"{where}: observation of proposal {proposal} took {o.Seconds} s");
        _obs.Add(o);
    }

    /// <summary>The validated contents. Incomplete rounds are not an error, not even before a later ask: the launcher
    /// writes a batch of records proposals first, so a kill can leave round r+1's ask before round r's last
    /// observations; resume runs whatever is unanswered.</summary>
    /// <summary>The header's optional "launch" settings (see <see cref="StudyLog.Create"/>).</summary>
    public System.Text.Json.Nodes.JsonObject? Launch { get; set; }

    public StudyLog.Contents Finish(long validLength) => new(Config, _asks, _obs, validLength) { Launch = Launch };

    public static string? MaskProblem(string mask, int sites)
    {
        if (mask.Length != sites) return $"has {mask.Length} digits, the study has {sites} sites";
        foreach (char ch in mask) if (ch is not ('0' or '1')) return "has a digit other than 0 and 1";
        return null;
    }

    private static string Abbrev(string m) => m.Length <= 24 ? m : m[..21] + "...";
}
