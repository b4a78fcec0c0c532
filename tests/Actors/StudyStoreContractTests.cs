using DeepTrain.Actors.Persistence;
using DeepTrain.Model;
using DeepTrain.Model.Search.Study;
using Microsoft.Data.Sqlite;

namespace DeepTrain.Tests.Actors;

/// <summary>
/// One contract for every study store (Optuna's habit): the JSONL log and the SQLite store behave the same for append,
/// reload, a torn tail, a corrupt record, the writer lock and concurrent writers. Each store is a subclass.
/// </summary>
public abstract class StudyStoreContract : IDisposable
{
    protected readonly string Dir = Directory.CreateTempSubdirectory("dt-store-").FullName;
    protected abstract IStudyStoreKind Kind { get; }
    protected abstract string Extension { get; }
    /// <summary>A copy of the open store as a kill in the middle of writing its last record would leave it.</summary>
    protected abstract string TornCopy(string path);
    /// <summary>Edits the store behind its back so the second observation has an accuracy of 150 %.</summary>
    protected abstract void SetSecondAccuracyTo150(string path);
    /// <summary>What names a record in this store's errors.</summary>
    protected abstract string Locator { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, recursive: true);
    }

    protected string NewPath(string name = "study") => Path.Combine(Dir, name + Extension);

    protected static readonly StudyConfig Config = new()
    {
        Network = "resnet20", SiteCount = 6, Objective = "sites", Oracle = "synthetic:critical-6-2-1", Method = "bo",
        Budget = 70, BatchSize = 64, Seed = 3, ReferenceSeeds = 1, Candidates = 500,
    };

    private static Observation Obs(int round, int slot, string mask, int seed, double? acc) =>
        new(round, slot, mask, seed, acc, mask.Count(c => c == '1'), acc is null ? "exited with code 1" : null, acc is null ? 2 : 1, 0.25 + slot);

    /// <summary>Reference round, then a round of three (one failed call).</summary>
    private static void WriteTwoRounds(IStudyStore s)
    {
        s.WriteAsk(0, [("111111", 3)]);
        s.WriteObservation(Obs(0, 0, "111111", 3, 91.5));
        s.WriteAsk(1, [("110011", 3), ("010101", 3), ("000111", 3)]);
        s.WriteObservation(Obs(1, 1, "010101", 3, 88.25));
        s.WriteObservation(Obs(1, 0, "110011", 3, null));
        s.WriteObservation(Obs(1, 2, "000111", 3, 90));
    }

    private static string Key(Observation o) => $"{o.Round}/{o.Slot}/{o.Mask}/{o.Seed}/{o.AccuracyPercent}/{o.Objective}/{o.Error}/{o.Attempts}/{o.Seconds}";

    [Fact]
    public void WhatIsAppendedIsReloadedExactlyAndAppendingContinuesIt()
    {
        var path = NewPath();
        using (var s = Kind.Create(path, Config)) WriteTwoRounds(s);
        var read = Kind.Read(path);
        Assert.Equal(Config, read.Config);
        Assert.Equal([0, 1], read.Asks.Select(a => a.Round));
        Assert.Equal(["110011", "010101", "000111"], read.Asks[1].Items.Select(i => i.Mask));
        Assert.Equal(4, read.Observations.Count);
        Assert.Equal("exited with code 1", read.Observations.Single(o => !o.Succeeded).Error);
        using (var s = Kind.Append(path, read))
        {
            s.WriteAsk(2, [("000011", 3)]);
            s.WriteObservation(Obs(2, 0, "000011", 3, 70));
        }
        var again = Kind.Read(path);
        Assert.Equal(read.Observations.Select(Key).Append(Key(Obs(2, 0, "000011", 3, 70))), again.Observations.Select(Key));
    }

    [Fact]
    public void ATornTailLosesOnlyTheRecordBeingWritten()
    {
        var path = NewPath();
        string torn;
        using (var s = Kind.Create(path, Config))
        {
            WriteTwoRounds(s);
            torn = TornCopy(path);
        }
        var read = Kind.Read(torn);
        Assert.Equal(Kind.Read(path).Observations.SkipLast(1).Select(Key), read.Observations.Select(Key));
        using (var s = Kind.Append(torn, read)) s.WriteObservation(Obs(1, 2, "000111", 3, 90));
        Assert.Equal(Kind.Read(path).Observations.Select(Key), Kind.Read(torn).Observations.Select(Key));
    }

    [Fact]
    public void ACorruptRecordIsOneLineNamingIt()
    {
        var path = NewPath();
        using (var s = Kind.Create(path, Config)) WriteTwoRounds(s);
        SetSecondAccuracyTo150(path);
        var e = Assert.Throws<UserError>(() => Kind.Read(path));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(Locator, e.Message);
        Assert.Contains("accuracy 150 of proposal 2 is outside 0..100", e.Message);
    }

    [Fact]
    public void ASecondWriterIsRefusedNamingTheHolderUntilTheFirstCloses()
    {
        var path = NewPath();
        var first = Kind.Create(path, Config);
        WriteTwoRounds(first);
        var read = Kind.Read(path); // readers are never blocked
        var e = Assert.Throws<UserError>(() => Kind.Append(path, read));
        Assert.Contains($"in use by another writer (PID {Environment.ProcessId})", e.Message);
        Assert.Throws<UserError>(() => Kind.Create(path, Config)); // and a new study cannot truncate it
        Assert.Equal(4, Kind.Read(path).Observations.Count);
        first.Dispose();
        using var second = Kind.Append(path, read);
        second.WriteAsk(2, [("000001", 3)]);
    }

    [Fact]
    public void ConcurrentWritersThroughOneStoreLoseNothing()
    {
        var path = NewPath();
        var masks = Enumerable.Range(0, 64).Select(i => Convert.ToString(i, 2).PadLeft(6, '0')).ToArray();
        using (var s = Kind.Create(path, Config))
        {
            s.WriteAsk(0, [("111111", 3)]);
            s.WriteObservation(Obs(0, 0, "111111", 3, 91));
            s.WriteAsk(1, masks.Select(m => (m, 3)).ToList());
            Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i => s.WriteObservation(Obs(1, i, masks[i], 3, 50 + i * 0.5)));
        }
        var read = Kind.Read(path);
        Assert.Equal(65, read.Observations.Count);
        Assert.Equal(Enumerable.Range(0, 64), read.Observations.Where(o => o.Round == 1).Select(o => o.Slot).Order());
        Assert.All(read.Observations.Where(o => o.Round == 1), o => Assert.Equal(50 + o.Slot * 0.5, o.AccuracyPercent));
    }
}

public sealed class JsonlStudyStoreContractTests : StudyStoreContract
{
    protected override IStudyStoreKind Kind { get; } = new JsonlStudyStoreKind();
    protected override string Extension => ".jsonl";
    protected override string Locator => "line 5";

    protected override string TornCopy(string path)
    {
        var copy = NewPath("torn");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(copy, bytes[..^15]);
        return copy;
    }

    protected override void SetSecondAccuracyTo150(string path)
    {
        var lines = File.ReadAllLines(path);
        lines[4] = lines[4].Replace("\"accuracy\":88.25", "\"accuracy\":150"); // line 5: round 1 slot 1
        Assert.Contains("150", lines[4]);
        File.WriteAllLines(path, lines);
    }
}

public sealed class SqliteStudyStoreContractTests : StudyStoreContract
{
    protected override IStudyStoreKind Kind { get; } = new SqliteStudyStoreKind();
    protected override string Extension => ".db";
    protected override string Locator => "observation of proposal 2";

    protected override string TornCopy(string path)
    {
        // While the writer is open its commits sit in the write-ahead log; a kill during the last commit leaves that
        // commit's frames incomplete. SQLite discards a commit whose frames do not check out.
        var copy = NewPath("torn");
        File.Copy(path, copy);
        var wal = File.ReadAllBytes(path + "-wal");
        Assert.True(wal.Length > 4096, "the writer's commits are expected in the write-ahead log");
        File.WriteAllBytes(copy + "-wal", wal[..^100]);
        return copy;
    }

    protected override void SetSecondAccuracyTo150(string path)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        using var c = db.CreateCommand();
        c.CommandText = "UPDATE observations SET accuracy = 150 WHERE id = 2";
        Assert.Equal(1, c.ExecuteNonQuery());
    }
}
