using System.Globalization;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Oracles;

/// <summary>
/// `table:FILE.csv` — measured results, one row per run: <c>mask,accuracy[,seed]</c> (mask as a 0/1 string in site
/// order, accuracy in percent; an optional header row is skipped; '#' starts a comment). A request is answered by the
/// row with the same mask and seed; without one, by the mean of the mask's rows. A mask with no row is an
/// <see cref="OracleError"/> naming the mask and the file.
/// </summary>
public sealed class TableOracle : IAccuracyOracle
{
    private readonly Dictionary<string, List<(double Acc, int? Seed)>> _rows = new();
    private readonly string _path;

    public TableOracle(string path, int siteCount)
    {
        _path = path;
        if (!File.Exists(path)) throw new OracleError($"table oracle: file '{path}' not found");
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split(',');
            if (lineNo == 1 && f[0].Trim().Equals("mask", StringComparison.OrdinalIgnoreCase)) continue;
            if (f.Length < 2 || f.Length > 3) throw new OracleError($"{path}:{lineNo}: expected mask,accuracy[,seed]");
            var mask = f[0].Trim();
            if (mask.Length != siteCount || mask.Any(c => c != '0' && c != '1'))
                throw new OracleError($"{path}:{lineNo}: mask must be {siteCount} digits 0/1, got '{Abbrev(mask)}'");
            if (!double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double acc) || AccuracyCheck.Problem(acc) is { } p)
                throw new OracleError($"{path}:{lineNo}: bad accuracy '{f[1].Trim()}'");
            int? seed = null;
            if (f.Length == 3)
            {
                if (!int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int s)) throw new OracleError($"{path}:{lineNo}: bad seed '{f[2].Trim()}'");
                seed = s;
            }
            if (!_rows.TryGetValue(mask, out var list)) _rows[mask] = list = new();
            list.Add((acc, seed));
        }
        Name = "table:" + path;
    }

    private static string Abbrev(string s) => s.Length <= 40 ? s : s[..37] + "...";

    public string Name { get; }
    public int Rows => _rows.Values.Sum(l => l.Count);

    public Task<OracleResult> EvaluateAsync(OracleRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = request.Mask.ToString();
        if (!_rows.TryGetValue(key, out var list))
            throw new OracleError($"table oracle: mask {Abbrev(key)} ({request.Mask.Count} sites) is not in '{_path}'");
        foreach (var (acc, seed) in list) if (seed == request.Seed) return Task.FromResult(OracleResult.Ok(acc));
        return Task.FromResult(OracleResult.Ok(list.Average(r => r.Acc)));
    }
}
