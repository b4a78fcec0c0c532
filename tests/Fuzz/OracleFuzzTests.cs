using System.Globalization;
using System.Text;
using CsCheck;
using DeepTrain.Model;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Workloads;

namespace DeepTrain.Tests.Fuzz;

/// <summary>
/// Oracle inputs: table CSVs through <c>--oracle table:FILE</c>'s parser (<see cref="OracleRegistry"/> → <see cref="TableOracle"/>)
/// and the last stdout line of a command oracle (<see cref="CommandOracle.ParseOutput"/>). A table either loads and
/// answers every mask it lists with a finite accuracy in 0..100, or is refused with one <see cref="UserError"/> line
/// naming the file and line; an oracle output is an accuracy in 0..100 or a failed call with a one-line reason.
/// </summary>
public sealed class OracleFuzzTests : IDisposable
{
    private readonly string _dir = Fuzz.TempDir("oracle");
    private int _n;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string Example = File.ReadAllText(Path.Combine(NetworkJsonTests.RepoRoot(), "examples", "tables", "plain6.csv"));

    private static readonly Gen<string> Accuracy = Gen.Frequency(
        (6, Gen.Double[0, 100].Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (2, Fuzz.HostileRaw),
        (1, Gen.OneOfConst("", " ", "NaN", "Infinity", "-Infinity", "∞", "1,5", "0x10", "1e", "5%", "100.0000001", "-0", "1_0", "٣")));

    private static readonly Gen<string> Mask = Gen.Frequency(
        (6, Gen.Char["01"].Array[6].Select(c => new string(c))),
        (1, Gen.Char["01"].Array[0, 80].Select(c => new string(c))),
        (1, Gen.String));

    private static readonly Gen<string> Row = Gen.Frequency(
        (8, Gen.Select(Mask, Accuracy, Gen.Frequency((3, Gen.Const("")), (3, Fuzz.HostileInt.Select(i => "," + i.ToString(CultureInfo.InvariantCulture))),
                                                     (1, Gen.OneOfConst(",x", ",", ",1.5", ",99999999999", ",0,0"))),
                       (m, a, s) => $"{m},{a}{s}")),
        (1, Gen.OneOfConst("mask,accuracy,seed", "# comment", "", ",,,", "\t", "\r", "000000")),
        (1, Gen.String));

    private void Table(string text)
    {
        string path = Path.Combine(_dir, $"t{Interlocked.Increment(ref _n) % 64}.csv");
        File.WriteAllText(path, text);
        IAccuracyOracle oracle;
        try { oracle = OracleRegistry.Parse("table:" + path, new OracleContext(6, "plain6", TimeSpan.FromSeconds(1), 1)); }
        catch (UserError e)
        {
            Fuzz.AssertOneLineError(e.Message, text);
            if (!e.Message.Contains(path, StringComparison.Ordinal)) throw new Exception($"table error does not name the file: {e.Message}");
            return;
        }
        foreach (var line in text.Split('\n'))
        {
            var f = line.Trim().Split(',');
            if (f[0].Trim().Length != 6 || f[0].Trim().Any(c => c is not ('0' or '1'))) continue;
            var mask = SiteMask.Parse(f[0].Trim(), 6);
            foreach (int seed in new[] { 0, 1, -1 })
            {
                var r = oracle.EvaluateAsync(new OracleRequest(mask, "plain6", seed), CancellationToken.None).GetAwaiter().GetResult();
                if (!r.Succeeded || !double.IsFinite(r.AccuracyPercent) || r.AccuracyPercent is < 0 or > 100)
                    throw new Exception($"mask {mask} gave {r} from a table that loaded:\n{text}");
            }
        }
    }

    [Fact]
    public void GeneratedTablesLoadWithInRangeAccuraciesOrAreRefusedInOneLine() =>
        Row.Array[0, 20].Select(rows => string.Join('\n', rows)).Check(Table, 2000);

    [Fact]
    public void MutatedExampleTablesLoadWithInRangeAccuraciesOrAreRefusedInOneLine()
    {
        var lines = Example.Split('\n');
        Gen.Select(Gen.Int[0, lines.Length - 1], Row, Gen.Int[0, 3], (i, r, op) =>
        {
            var l = lines.ToList();
            switch (op)
            {
                case 0: l[i] = r; break;
                case 1: l.Insert(i, r); break;
                case 2: l.Insert(i, l[i]); break; // duplicate row
                default: l.RemoveAt(i); break;
            }
            return string.Join('\n', l);
        }).Check(Table, 1000);
        Fuzz.Damage(Example).Check(Table, 500);
    }

    private static void Output(string stdout)
    {
        OracleResult r;
        try { r = CommandOracle.ParseOutput(stdout, "some stderr\nsecond line"); }
        catch (Exception e) { throw new Exception($"ParseOutput threw {e.GetType().Name} for stdout {stdout}: {e.Message}"); }
        if (r.Succeeded)
        {
            if (!double.IsFinite(r.AccuracyPercent) || r.AccuracyPercent is < 0 or > 100) throw new Exception($"accepted {r.AccuracyPercent} from {stdout}");
        }
        else if (string.IsNullOrWhiteSpace(r.Error) || r.Error.Contains('\n') || r.Error.Contains('\r'))
            throw new Exception($"failure reason is not one line: '{r.Error}' for {stdout}");
    }

    private static readonly Gen<string> JsonLine = Gen.Frequency(
        (6, Gen.Select(Gen.OneOfConst("accuracy", "Accuracy", "acc", "accuracy "), Gen.Frequency((3, Accuracy), (1, Gen.OneOfConst("\"50\"", "\"NaN\"", "\"nan\"", "[50]", "{\"v\":1}"))),
                       Gen.OneOfConst("", ",\"loss\":0.1", ",\"accuracy\":50", ",\"x\":1e400"),
                       (k, v, extra) => $"{{\"{k}\":{v}{extra}}}")),
        (1, Gen.OneOfConst("{}", "[]", "null", "{\"accuracy\":50", "{\"accuracy\":50}}", "{'accuracy':50}", "accuracy=50", "50", "{\"accuracy\":50,}",
                           new string('[', 5000), "{\"accuracy\":1e309}", "{\"accuracy\":-1e-320}", "\u0000{\"accuracy\":1}", "{\"accuracy\":\"\\u0000\"}")),
        (1, Gen.String));

    [Fact]
    public void OracleOutputLinesGiveInRangeAccuraciesOrOneLineFailures()
    {
        Gen.Select(Gen.String.Array[0, 3], JsonLine, Gen.OneOfConst("\n", "\r\n", "\n\n", " \n", ""), (before, last, end) =>
        {
            var sb = new StringBuilder();
            foreach (var b in before) sb.Append(b).Append('\n');
            return sb.Append(last).Append(end).ToString();
        }).Check(Output, 5000);
    }
}
