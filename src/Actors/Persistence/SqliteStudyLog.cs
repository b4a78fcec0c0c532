using DeepTrain.Model;
using DeepTrain.Model.Search.Study;
using Microsoft.Data.Sqlite;

namespace DeepTrain.Actors.Persistence;

/// <summary>
/// One study's records in a <see cref="StudyStore"/> SQLite file, behind the same <see cref="IStudyStore"/> as the
/// JSONL <see cref="StudyLog"/>: asks become proposals (ids in ask order, slot = position in the round), observations
/// are committed with their objective in one transaction, and the header is the JSONL header record. It holds the
/// same exclusive <see cref="StudyLock"/> while open and loads through the same <see cref="StudyRecordValidator"/>,
/// so a row edited to an impossible value is refused naming its proposal. A torn tail is SQLite's own business: a
/// commit cut short in the write-ahead log is rolled back on open, earlier commits stay.
/// </summary>
public sealed class SqliteStudyLog : IStudyStore
{
    private const string StudyId = "study";
    private readonly StudyStore _store;
    private readonly StudyLock _lock;
    private readonly object _gate = new();
    private readonly List<long> _firstProposal = new();
    private long _next;

    private SqliteStudyLog(string path, StudyStore store, StudyLock l) { Path = path; _store = store; _lock = l; }

    public string Path { get; }

    public static SqliteStudyLog Create(string path, StudyConfig config)
    {
        var l = StudyLock.Acquire(path);
        try
        {
            foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
            var store = new StudyStore(path);
            store.SetHeader(StudyId, StudyLog.HeaderJson(config).ToJsonString());
            return new SqliteStudyLog(path, store, l);
        }
        catch { l.Dispose(); throw; }
    }

    public static SqliteStudyLog Append(string path, StudyLog.Contents read)
    {
        var l = StudyLock.Acquire(path);
        try
        {
            var log = new SqliteStudyLog(path, new StudyStore(path), l);
            foreach (var (_, items) in read.Asks) { log._firstProposal.Add(log._next); log._next += items.Count; }
            return log;
        }
        catch { l.Dispose(); throw; }
    }

    public void WriteAsk(int round, IReadOnlyList<(string Mask, int Seed)> items)
    {
        lock (_gate)
        {
            if (round != _firstProposal.Count) throw new InvalidOperationException($"ask for round {round}, expected {_firstProposal.Count}");
            _firstProposal.Add(_next);
            _store.AddProposals(StudyId, items.Select((it, i) => new StoredProposal(_next + i, round, it.Mask, it.Seed)).ToList());
            _next += items.Count;
        }
    }

    public void WriteObservation(Observation o)
    {
        long id;
        lock (_gate) id = _firstProposal[o.Round] + o.Slot;
        _store.TryRecord(StudyId, new StoredObservation(id, o.Mask, o.AccuracyPercent ?? 0, o.Succeeded ? null : o.Error ?? "failed", "log",
            o.Attempts, o.Seconds), o.Objective);
    }

    /// <summary>Reads and validates the study in <paramref name="path"/>; errors name the row ("… proposal 5: …").</summary>
    public static StudyLog.Contents Read(string path)
    {
        if (!File.Exists(path)) throw new UserError($"study store '{path}' not found");
        try
        {
            using var store = new StudyStore(path);
            var v = new StudyRecordValidator(path);
            string header = store.Header(StudyId) ?? throw new UserError($"{path}: not a study store (no study header)");
            v.Header(ParseHeader(header, $"{path} header"), $"{path} header");
            var proposals = store.Proposals(StudyId);
            var byId = new Dictionary<long, (int Round, int Slot, int Seed)>();
            long expectedId = 0;
            foreach (var round in proposals.GroupBy(p => p.Round).OrderBy(g => g.Min(p => p.ProposalId)))
            {
                var items = round.OrderBy(p => p.ProposalId).ToList();
                string where = $"{path} proposal {items[0].ProposalId}";
                for (int i = 0; i < items.Count; i++)
                {
                    if (items[i].ProposalId != expectedId++) throw new UserError($"{where}: proposal ids are not consecutive in ask order");
                    byId[items[i].ProposalId] = (round.Key, i, items[i].Seed);
                }
                v.Ask(round.Key, items.Select(p => (p.Mask, p.Seed)).ToList(), where);
            }
            var objectives = store.Objectives(StudyId);
            foreach (var o in store.Observations(StudyId))
            {
                string where = $"{path} observation of proposal {o.ProposalId}";
                if (!byId.TryGetValue(o.ProposalId, out var p)) throw new UserError($"{where}: no such proposal was asked");
                if (!objectives.TryGetValue(o.ProposalId, out double objective)) throw new UserError($"{where}: no objective recorded");
                v.Observation(new Observation(p.Round, p.Slot, o.Mask, p.Seed, o.Error is null ? o.Accuracy : null, objective, o.Error,
                    o.Attempts, o.Seconds), where);
            }
            return v.Finish(new FileInfo(path).Length);
        }
        catch (SqliteException e) { throw new UserError($"{path}: not a readable study store (SQLite: {e.Message.ReplaceLineEndings(" ")})"); }
        catch (InvalidCastException e) { throw new UserError($"{path}: a row has a value of the wrong type ({e.Message})"); }
    }

    private static StudyConfig ParseHeader(string json, string where) => StudyLog.ParseHeader(json, where);

    public void Dispose()
    {
        _store.Dispose();
        _lock.Dispose();
    }
}

/// <summary>The SQLite study store as a store kind (for the contract tests and any caller that wants a database).</summary>
public sealed class SqliteStudyStoreKind : IStudyStoreKind
{
    public string Name => "sqlite";
    public IStudyStore Create(string path, StudyConfig config) => SqliteStudyLog.Create(path, config);
    public IStudyStore Append(string path, StudyLog.Contents read) => SqliteStudyLog.Append(path, read);
    public StudyLog.Contents Read(string path) => SqliteStudyLog.Read(path);
}
