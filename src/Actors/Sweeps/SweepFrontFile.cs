using System.Text.Json;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;

namespace DeepTrain.Actors.Sweeps;

/// <summary>
/// The output of a front-only sweep (`--rows front`): FILE.pareto.csv (same header and rows as a full sweep's) and
/// a sidecar FILE.progress recording how many points, a prefix of the sweep, that front covers and which spec they
/// belong to. Both are replaced atomically at each checkpoint, the front first: after a crash the saved front covers
/// at least the recorded prefix, and points evaluated again are counted once (<see cref="SweepCsv.Front"/>), so the
/// resumed sweep ends with exactly the front of an uninterrupted one. FILE itself is not written.
/// </summary>
public sealed class SweepFrontFile : ISweepSink
{
    private sealed record ProgressFile(string Spec, long PointsDone, long TotalPoints);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SweepPlan _plan;
    private readonly List<SweepRow> _prior;
    private readonly string _outPath;

    public string ParetoPath { get; }
    public string ProgressPath { get; }
    /// <summary>Points covered by the saved front when opened: the sweep resumes after them.</summary>
    public long ResumeFrom { get; }
    public long PointsDone { get; private set; }
    public Action<long>? Progress { get; set; }

    private SweepFrontFile(SweepPlan plan, string outPath, long done, List<SweepRow> prior)
    {
        _plan = plan; _prior = prior; _outPath = outPath;
        ParetoPath = outPath + ".pareto.csv"; ProgressPath = outPath + ".progress";
        ResumeFrom = PointsDone = done;
    }

    /// <summary>Reads OUT.progress and OUT.pareto.csv if a front-only sweep of the same spec left them.</summary>
    public static SweepFrontFile OpenForResume(SweepPlan plan, string outPath)
    {
        string progressPath = outPath + ".progress", paretoPath = outPath + ".pareto.csv";
        if (!File.Exists(progressPath)) return new SweepFrontFile(plan, outPath, 0, []);
        ProgressFile? p;
        try { p = JsonSerializer.Deserialize<ProgressFile>(File.ReadAllText(progressPath), Json); }
        catch (JsonException) { p = null; }
        if (p is null || p.Spec is null)
            throw new Model.UserError($"{progressPath} is not a sweep progress file; choose another --out or delete it");
        if (p.Spec != plan.Fingerprint || p.TotalPoints != plan.TotalPoints)
            throw new Model.UserError($"{progressPath} belongs to a different sweep spec; choose another --out or delete it");
        if (p.PointsDone < 0 || p.PointsDone > plan.TotalPoints)
            throw new Model.UserError($"{progressPath} records {p.PointsDone} points done of {plan.TotalPoints}; delete it to start over");
        if (p.PointsDone > 0 && !File.Exists(paretoPath))
            throw new Model.UserError($"{paretoPath} is missing but {progressPath} records {p.PointsDone} points done; delete it to start over");
        var prior = new List<SweepRow>();
        if (p.PointsDone > 0)
        {
            var lines = File.ReadAllText(paretoPath).Split('\n');
            if (lines[0].TrimEnd('\r') != SweepCsv.Header)
                throw new Model.UserError($"{paretoPath} is not a sweep Pareto front (its header differs); delete it and {progressPath}");
            for (int i = 1; i < lines.Length; i++)
                if (lines[i].Length > 0) prior.Add(SweepCsv.ParseRow(lines[i].TrimEnd('\r')));
            // The top rows saved beside the front (not all of them are on it).
            var topPath = outPath + ".top.csv";
            if (plan.Top > 0 && File.Exists(topPath))
            {
                var top = File.ReadAllText(topPath).Split('\n');
                if (top[0].TrimEnd('\r') != SweepCsv.TopHeader)
                    throw new Model.UserError($"{topPath} is not a sweep top list (its header differs); delete it and {progressPath}");
                for (int i = 1; i < top.Length; i++)
                {
                    var l = top[i].TrimEnd('\r');
                    if (l.Length == 0) continue;
                    int second = l.IndexOf(',', l.IndexOf(',') + 1);
                    prior.Add(SweepCsv.ParseRow(l[(second + 1)..]));
                }
            }
        }
        return new SweepFrontFile(plan, outPath, p.PointsDone, prior);
    }

    public void Write(IReadOnlyList<SweepRow> rowsInPointOrder) =>
        throw new InvalidOperationException("a front-only sweep receives no rows");

    public void Reduced(long pointsDone)
    {
        PointsDone = pointsDone;
        Progress?.Invoke(pointsDone);
    }

    public void Checkpoint(long pointsDone, IReadOnlyList<SweepRow> front) => Save(pointsDone, front);

    public void Finish(IReadOnlyList<SweepRow> paretoFront) => Save(_plan.TotalPoints, paretoFront);

    private void Save(long pointsDone, IReadOnlyList<SweepRow> front)
    {
        SweepCsv.WriteReduction(_plan, _outPath, SweepCsv.Reduce(_prior.Concat(front), _plan.Top));
        var tmp = ProgressPath + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(JsonSerializer.SerializeToUtf8Bytes(new ProgressFile(_plan.Fingerprint, pointsDone, _plan.TotalPoints), Json));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, ProgressPath, overwrite: true);
        PointsDone = pointsDone;
    }
}
