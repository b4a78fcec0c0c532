using Microsoft.Data.Sqlite;

namespace DeepTrain.Actors.Persistence;

/// <summary>A proposal issued by the coordinator: round r's proposals depend only on rounds &lt; r.</summary>
public sealed record StoredProposal(long ProposalId, int Round, string Mask, int Seed = 0);

/// <summary>A recorded oracle outcome (accuracy, or an error text — never both).</summary>
public sealed record StoredObservation(long ProposalId, string Mask, double Accuracy, string? Error, string WorkerId,
                                       int Attempts = 1, double Seconds = 0);

/// <summary>A submitted study: its settings (the SubmitStudy message, MessagePack bytes) and submission order.</summary>
public sealed record StoredStudy(string StudyId, long Order, byte[] Request, bool Finished);

/// <summary>
/// Durable study log in one SQLite file (Microsoft.Data.Sqlite directly; chosen over Akka.Persistence so the
/// store is a plain table a user can query, and so writes are synchronous: an observation is committed before
/// the coordinator acknowledges it). Thread-safe (one lock): studies hosted on one node share the file. Proposals and observations are keyed by (study, proposal id); a late
/// duplicate result is ignored by the primary key, so it is recorded once.
/// </summary>
public sealed class StudyStore : IDisposable
{
    private readonly SqliteConnection _db;

    public StudyStore(string path)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Exec("""
             CREATE TABLE IF NOT EXISTS proposals(study TEXT NOT NULL, id INTEGER NOT NULL, round INTEGER NOT NULL,
               mask TEXT NOT NULL, seed INTEGER NOT NULL, PRIMARY KEY(study, id));
             CREATE TABLE IF NOT EXISTS observations(study TEXT NOT NULL, id INTEGER NOT NULL, mask TEXT NOT NULL,
               accuracy REAL NOT NULL, error TEXT, worker TEXT NOT NULL, attempts INTEGER NOT NULL, seconds REAL NOT NULL,
               recorded INTEGER NOT NULL, PRIMARY KEY(study, id));
             CREATE TABLE IF NOT EXISTS studies(study TEXT NOT NULL PRIMARY KEY, ord INTEGER NOT NULL, request BLOB NOT NULL,
               finished INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS study_failures(study TEXT NOT NULL PRIMARY KEY, reason TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS headers(study TEXT NOT NULL PRIMARY KEY, header TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS objectives(study TEXT NOT NULL, id INTEGER NOT NULL, objective REAL NOT NULL,
               PRIMARY KEY(study, id));
             """);
    }

    public void AddProposals(string study, IEnumerable<StoredProposal> proposals)
    {
        lock (_db) AddProposalsLocked(study, proposals);
    }

    private void AddProposalsLocked(string study, IEnumerable<StoredProposal> proposals)
    {
        using var tx = _db.BeginTransaction();
        foreach (var p in proposals)
        {
            using var c = _db.CreateCommand();
            c.Transaction = tx;
            c.CommandText = "INSERT OR IGNORE INTO proposals VALUES ($s, $i, $r, $m, $seed)";
            c.Parameters.AddWithValue("$s", study); c.Parameters.AddWithValue("$i", p.ProposalId);
            c.Parameters.AddWithValue("$r", p.Round); c.Parameters.AddWithValue("$m", p.Mask);
            c.Parameters.AddWithValue("$seed", p.Seed);
            c.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Commits the observation; returns false if one was already recorded for that proposal.</summary>
    public bool TryRecord(string study, StoredObservation o)
    {
        lock (_db) return TryRecordLocked(study, o, null);
    }

    private bool TryRecordLocked(string study, StoredObservation o, SqliteTransaction? tx)
    {
        {
        using var c = _db.CreateCommand();
        c.Transaction = tx;
        c.CommandText = """
            INSERT OR IGNORE INTO observations
            VALUES ($s, $i, $m, $a, $e, $w, $n, $t, (SELECT COUNT(*) FROM observations WHERE study = $s))
            """;
        c.Parameters.AddWithValue("$n", o.Attempts); c.Parameters.AddWithValue("$t", o.Seconds);
        c.Parameters.AddWithValue("$s", study); c.Parameters.AddWithValue("$i", o.ProposalId);
        c.Parameters.AddWithValue("$m", o.Mask); c.Parameters.AddWithValue("$a", o.Accuracy);
        c.Parameters.AddWithValue("$e", (object?)o.Error ?? DBNull.Value); c.Parameters.AddWithValue("$w", o.WorkerId);
        return c.ExecuteNonQuery() == 1;
        }
    }

    public List<StoredProposal> Proposals(string study)
    {
        lock (_db)
        {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT id, round, mask, seed FROM proposals WHERE study = $s ORDER BY id";
        c.Parameters.AddWithValue("$s", study);
        using var r = c.ExecuteReader();
        var list = new List<StoredProposal>();
        while (r.Read()) list.Add(new StoredProposal(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetInt32(3)));
        return list;
        }
    }

    /// <summary>The study's observations in the order they were recorded.</summary>
    public List<StoredObservation> Observations(string study)
    {
        lock (_db)
        {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT id, mask, accuracy, error, worker, attempts, seconds FROM observations WHERE study = $s ORDER BY recorded";
        c.Parameters.AddWithValue("$s", study);
        using var r = c.ExecuteReader();
        var list = new List<StoredObservation>();
        while (r.Read())
            list.Add(new StoredObservation(r.GetInt64(0), r.GetString(1), r.GetDouble(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
                r.GetInt32(5), r.GetDouble(6)));
        return list;
        }
    }

    /// <summary>Registers a submitted study (no-op if the id exists); returns the stored one.</summary>
    public StoredStudy AddStudy(string study, byte[] request)
    {
        lock (_db)
        {
            using (var c = _db.CreateCommand())
            {
                c.CommandText = "INSERT OR IGNORE INTO studies VALUES ($s, (SELECT COALESCE(MAX(ord), -1) + 1 FROM studies), $r, 0)";
                c.Parameters.AddWithValue("$s", study); c.Parameters.AddWithValue("$r", request);
                c.ExecuteNonQuery();
            }
            return Studies().First(x => x.StudyId == study);
        }
    }

    public void MarkFinished(string study)
    {
        lock (_db)
        {
            using var c = _db.CreateCommand();
            c.CommandText = "UPDATE studies SET finished = 1 WHERE study = $s";
            c.Parameters.AddWithValue("$s", study);
            c.ExecuteNonQuery();
        }
    }

    /// <summary>Marks a study that could not be loaded or run as finished, with the reason (the host goes on).</summary>
    public void MarkFailed(string study, string reason)
    {
        lock (_db)
        {
            using var c = _db.CreateCommand();
            c.CommandText = """
                UPDATE studies SET finished = 1 WHERE study = $s;
                INSERT INTO study_failures VALUES ($s, $r) ON CONFLICT(study) DO UPDATE SET reason = $r;
                """;
            c.Parameters.AddWithValue("$s", study); c.Parameters.AddWithValue("$r", reason);
            c.ExecuteNonQuery();
        }
    }

    /// <summary>Why the study failed (<see cref="MarkFailed"/>), or null.</summary>
    public string? Failure(string study)
    {
        lock (_db)
        {
            using var c = _db.CreateCommand();
            c.CommandText = "SELECT reason FROM study_failures WHERE study = $s";
            c.Parameters.AddWithValue("$s", study);
            return c.ExecuteScalar() as string;
        }
    }

    /// <summary>Submitted studies in submission order.</summary>
    public List<StoredStudy> Studies()
    {
        lock (_db)
        {
            using var c = _db.CreateCommand();
            c.CommandText = "SELECT study, ord, request, finished FROM studies ORDER BY ord";
            using var r = c.ExecuteReader();
            var list = new List<StoredStudy>();
            while (r.Read()) list.Add(new StoredStudy(r.GetString(0), r.GetInt64(1), (byte[])r.GetValue(2), r.GetInt64(3) != 0));
            return list;
        }
    }

    /// <summary>The study's header (the JSONL header record, for <see cref="SqliteStudyLog"/>), or null.</summary>
    public string? Header(string study)
    {
        lock (_db)
        {
            using var c = _db.CreateCommand();
            c.CommandText = "SELECT header FROM headers WHERE study = $s";
            c.Parameters.AddWithValue("$s", study);
            return c.ExecuteScalar() as string;
        }
    }

    public void SetHeader(string study, string header)
    {
        lock (_db)
        {
            using var c = _db.CreateCommand();
            c.CommandText = "INSERT OR REPLACE INTO headers VALUES ($s, $h)";
            c.Parameters.AddWithValue("$s", study); c.Parameters.AddWithValue("$h", header);
            c.ExecuteNonQuery();
        }
    }

    /// <summary>Records an observation and its objective value in one transaction; false if already recorded.</summary>
    public bool TryRecord(string study, StoredObservation o, double objective)
    {
        lock (_db)
        {
            using var tx = _db.BeginTransaction();
            bool added = TryRecordLocked(study, o, tx);
            if (added)
            {
                using var c = _db.CreateCommand();
                c.Transaction = tx;
                c.CommandText = "INSERT OR REPLACE INTO objectives VALUES ($s, $i, $o)";
                c.Parameters.AddWithValue("$s", study); c.Parameters.AddWithValue("$i", o.ProposalId); c.Parameters.AddWithValue("$o", objective);
                c.ExecuteNonQuery();
            }
            tx.Commit();
            return added;
        }
    }

    public Dictionary<long, double> Objectives(string study)
    {
        lock (_db)
        {
            using var c = _db.CreateCommand();
            c.CommandText = "SELECT id, objective FROM objectives WHERE study = $s";
            c.Parameters.AddWithValue("$s", study);
            using var r = c.ExecuteReader();
            var d = new Dictionary<long, double>();
            while (r.Read()) d[r.GetInt64(0)] = r.GetDouble(1);
            return d;
        }
    }

    private void Exec(string sql)
    {
        using var c = _db.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    public void Dispose() => _db.Dispose();
}
