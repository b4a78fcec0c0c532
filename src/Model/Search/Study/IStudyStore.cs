namespace DeepTrain.Model.Search.Study;

/// <summary>
/// Where one study's records go (Optuna's storage habit): the header, each round's ask and each observation, durable
/// when the call returns. Implementations: <see cref="StudyLog"/> (JSONL, what single-node optimize writes) and the
/// SQLite store in DeepTrain.Actors (Persistence/SqliteStudyLog). Both hold an exclusive <see cref="StudyLock"/> while
/// open, both are safe to write from several threads, and both load through <see cref="StudyRecordValidator"/>, so
/// one contract test suite (tests/Search/StudyStoreContractTests.cs) runs against each.
/// </summary>
public interface IStudyStore : IDisposable
{
    string Path { get; }
    void WriteAsk(int round, IReadOnlyList<(string Mask, int Seed)> items);
    void WriteObservation(Observation observation);
}

/// <summary>How a kind of store is created, reopened for appending and read back (validated).</summary>
public interface IStudyStoreKind
{
    string Name { get; }
    IStudyStore Create(string path, StudyConfig config);
    /// <summary>Reopens for appending after what <see cref="Read"/> returned (a torn tail is cut off).</summary>
    IStudyStore Append(string path, StudyLog.Contents read);
    StudyLog.Contents Read(string path);
}

/// <summary>The JSONL study log as a store kind.</summary>
public sealed class JsonlStudyStoreKind : IStudyStoreKind
{
    public string Name => "jsonl";
    public IStudyStore Create(string path, StudyConfig config) => StudyLog.Create(path, config);
    public IStudyStore Append(string path, StudyLog.Contents read) => StudyLog.Append(path, read.ValidLength);
    public StudyLog.Contents Read(string path) => StudyLog.Read(path);
}
