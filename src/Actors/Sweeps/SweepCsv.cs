using System.Globalization;
using System.Text;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;

namespace DeepTrain.Actors.Sweeps;

/// <summary>
/// Streams sweep rows to CSV, flushed per chunk, one row per point in point order; the Pareto front goes to
/// FILE.pareto.csv at the end. Because rows arrive in point order the file is always a prefix of the sweep:
/// <see cref="OpenForResume"/> counts complete rows (dropping a torn last line) and the sweep restarts after them.
/// </summary>
public sealed class SweepCsv : ISweepSink, IDisposable
{
    private readonly SweepPlan _plan;
    private readonly string _path;
    private readonly StreamWriter _w;
    public long RowsWritten { get; private set; }
    public Action<long>? Progress { get; set; }

    public static string Header => "point,network,arch,parameters,batch,policy,mask," + string.Join(",", SweepPlan.MetricColumns);

    private SweepCsv(SweepPlan plan, string path, StreamWriter w, long existing) { _plan = plan; _path = path; _w = w; RowsWritten = existing; }

    /// <summary>The sidecar beside a rows CSV that records which spec wrote it (<see cref="SweepPlan.Fingerprint"/>).</summary>
    public static string SpecHashPath(string path) => path + ".spec.sha256";

    /// <summary>Opens <paramref name="path"/>; returns the writer and the number of points already done. Rows already
    /// there are kept only if <see cref="SpecHashPath"/> shows the same spec wrote them; otherwise it refuses.</summary>
    public static SweepCsv OpenForResume(SweepPlan plan, string path)
    {
        long done = 0;
        var prior = new List<SweepRow>();
        var hashPath = SpecHashPath(path);
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            string? recorded = File.Exists(hashPath) ? File.ReadAllText(hashPath).Trim() : null;
            if (recorded is not null && recorded != plan.Fingerprint)
                throw new Model.UserError($"{path} was written by a different sweep spec ({hashPath} differs); choose another --out or delete {path}");
            var text = File.ReadAllText(path);
            int lastNl = text.LastIndexOf('\n');
            text = lastNl < 0 ? "" : text[..(lastNl + 1)];
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length == 0 || lines[0] != Header)
                throw new Model.UserError($"{path} exists and is not a sweep result with the expected header; choose another --out");
            done = lines.Length - 1;
            if (done > 0 && recorded is null)
                throw new Model.UserError($"{path} has {done} rows but no {hashPath} recording which spec wrote them; choose another --out or delete {path}");
            if (done > plan.TotalPoints)
                throw new Model.UserError($"{path} has {done} rows but this spec has {plan.TotalPoints} points; choose another --out or delete {path}");
            File.WriteAllText(path, text);
            // The reduction (front, top rows) of the rows already written, so a resumed sweep's covers the whole sweep.
            var block = new List<SweepRow>();
            int pruneAbove = 8192;
            for (int i = 1; i < lines.Length; i++)
            {
                block.Add(ParseRow(lines[i]));
                if (block.Count >= pruneAbove) { block = Reduce(block, plan.Top); pruneAbove = Math.Max(8192, 2 * block.Count); }
            }
            prior = Reduce(block, plan.Top);
        }
        WriteAtomically(hashPath, plan.Fingerprint, []);
        var w = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        if (done == 0 && w.BaseStream.Length == 0) { w.Write(Header + "\n"); w.Flush(); }
        return new SweepCsv(plan, path, w, done) { _priorFront = prior };
    }

    private List<SweepRow> _priorFront = new();

    /// <summary>The sweep's reduction of <paramref name="rows"/> — Pareto front ∪ the <paramref name="top"/> best rows
    /// per metric — one row per point (a point seen twice, e.g. in a saved front and again after a resume, counts
    /// once), in point order.</summary>
    internal static List<SweepRow> Reduce(IEnumerable<SweepRow> rows, int top)
    {
        var seen = new HashSet<long>();
        var unique = new List<SweepRow>();
        foreach (var r in rows) if (seen.Add(r.Point)) unique.Add(r);
        var keep = SweepEvaluator.Reduce(unique, top).ToHashSet();
        return unique.Where(r => keep.Contains(r.Point)).OrderBy(r => r.Point).ToList();
    }

    /// <summary>Header of OUT.top.csv: the metric, the rank (1 = best), then a sweep row.</summary>
    public static string TopHeader => "metric,rank," + Header;

    /// <summary>
    /// Writes OUT.pareto.csv (the Pareto rows of <paramref name="reduced"/>, point order) and, when the plan keeps top
    /// rows, OUT.top.csv (per metric column, best first), each atomically (a temporary file moved over it), so a crash
    /// leaves the old or the new file, never a torn one.
    /// </summary>
    internal static void WriteReduction(SweepPlan plan, string outPath, IReadOnlyList<SweepRow> reduced)
    {
        if (plan.Top > 0)
        {
            var fields = reduced.Select(r => r.Fields).ToArray();
            var tops = SweepEvaluator.TopIndices(fields, plan.Top);
            var lines = new List<string>();
            for (int m = 0; m < tops.Length; m++)
                for (int rank = 0; rank < tops[m].Length; rank++)
                    lines.Add($"{SweepPlan.MetricColumns[m]},{rank + 1},{Line(plan, reduced[tops[m][rank]])}");
            WriteAtomically(outPath + ".top.csv", TopHeader, lines);
        }
        var onFront = SweepEvaluator.Pareto(reduced).ToHashSet();
        WriteAtomically(outPath + ".pareto.csv", Header, reduced.Where(r => onFront.Contains(r.Point)).Select(r => Line(plan, r)));
    }

    private static void WriteAtomically(string path, string header, IEnumerable<string> lines)
    {
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        using (var p = new StreamWriter(fs, new UTF8Encoding(false)))
        {
            p.Write(header + "\n");
            foreach (var l in lines) p.Write(l);
            p.Flush();
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }


    /// <summary>Reads a finished (or partial) sweep result: every complete row's point, metric fields (in
    /// <see cref="SweepPlan.MetricColumns"/> order) and mask. A torn last line is ignored.</summary>
    public static IReadOnlyList<SweepRow> Read(string path)
    {
        if (!File.Exists(path)) throw new Model.UserError($"--sweep: '{path}' not found");
        var lines = File.ReadAllText(path).Split('\n');
        if (lines.Length == 0 || lines[0].TrimEnd('\r') != Header)
            throw new Model.UserError($"--sweep: {path} is not a sweep result (its header differs from deeptrain sweep's)");
        var rows = new List<SweepRow>();
        for (int i = 1; i < lines.Length - 1; i++) // the last element follows the final newline (empty or torn)
            if (lines[i].Length > 0) rows.Add(ParseRow(lines[i].TrimEnd('\r')));
        return rows;
    }

    internal static SweepRow ParseRow(string line)
    {
        var f = line.Split(',');
        int m = SweepPlan.MetricColumns.Length;
        if (f.Length < 7 + m) throw new Model.UserError($"sweep result row '{line[..Math.Min(line.Length, 40)]}' is malformed");
        var fields = new double[m];
        for (int i = 0; i < m; i++) fields[i] = double.Parse(f[f.Length - m + i], CultureInfo.InvariantCulture);
        var mask = f[f.Length - m - 1];
        return new SweepRow(long.Parse(f[0], CultureInfo.InvariantCulture), fields, mask.StartsWith('m') ? mask[1..] : mask);
    }

    public void Write(IReadOnlyList<SweepRow> rows)
    {
        foreach (var r in rows) _w.Write(Line(r));
        _w.Flush();
        RowsWritten += rows.Count;
        Progress?.Invoke(RowsWritten);
    }

    public void Finish(IReadOnlyList<SweepRow> front)
    {
        _w.Flush();
        WriteReduction(_plan, _path, Reduce(_priorFront.Concat(front), _plan.Top));
    }

    public string Line(SweepRow r) => Line(_plan, r);

    public static string Line(SweepPlan plan, SweepRow r)
    {
        var c = plan.ConfigOf(r.Point);
        var sb = new StringBuilder();
        sb.Append(r.Point).Append(',').Append(Esc(c.Network)).Append(',').Append(Esc(c.Arch)).Append(',').Append(Esc(c.ParameterText))
          .Append(',').Append(c.Batch).Append(',').Append(Esc(c.Policy)).Append(',').Append(r.Mask.Length == 0 ? "" : "m" + r.Mask);
        foreach (var f in r.Fields) sb.Append(',').Append(f.ToString("R", CultureInfo.InvariantCulture));
        return sb.Append('\n').ToString();
    }

    private static string Esc(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    public void Dispose() => _w.Dispose();
}
