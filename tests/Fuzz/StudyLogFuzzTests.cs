using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Fuzz;

/// <summary>
/// Study logs (JSON lines written by <c>optimize --out</c>) damaged the ways a kill, an editor or a bad copy damage
/// them: lines duplicated, dropped or swapped, the file cut at any byte, a character changed, and a number or value
/// replaced by an extreme one (1e308, -1, NaN, 150, huge integers, null, a string). Each damaged log goes to
/// <c>optimize --resume</c> (a fresh copy each case, same settings) and to <c>report --study</c>: exit 0, or exit 2
/// with one stderr line; never an internal error, a stack trace or a hang.
/// </summary>
public sealed class StudyLogFuzzTests : IDisposable
{
    private readonly string _dir = Fuzz.TempDir("studylog");
    private int _n;
    private static readonly string[] Optimize = ["optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "6", "--proposals", "2", "-q"];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[]? _good;

    /// <summary>A complete log written by optimize in-process.</summary>
    private string[] GoodLog()
    {
        if (_good is null)
        {
            var path = Path.Combine(_dir, "good.jsonl");
            var r = CliRunner.Run([.. Optimize, "--out", path]);
            if (r.Code != 0) throw new Exception("optimize failed: " + r.Err);
            _good = File.ReadAllLines(path);
        }
        return _good;
    }

    private enum LineOp { Duplicate, Drop, Swap, Number, Value, Flip }

    private sealed record Edit(LineOp Op, int Line, int Other, int At, string Raw, char C)
    {
        public override string ToString() => $"{Op} line {Line}/{Other} at {At} = {Raw} '{C}'";
    }

    private static readonly Gen<string> Raw = Gen.Frequency(
        (3, Gen.OneOfConst("1e308", "-1", "NaN", "150", "0", "-0", "1e400", "123456789012345678901234567890", "9223372036854775808",
                           "2147483648", "-2147483649", "null", "\"x\"", "\"\"", "true", "[]", "{}", "1.5", "Infinity", "\"NaN\"")),
        (1, Fuzz.HostileRaw));

    private static readonly Gen<Edit> EditGen = Gen.Select(
        Gen.Enum<LineOp>(), Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20], Raw, Gen.Char,
        (o, l, x, a, r, c) => new Edit(o, l, x, a, r, c));

    private static readonly Regex NumberOrValue = new("(?<=:)(\"[^\"]*\"|-?[0-9][0-9.eE+-]*|true|false|null)", RegexOptions.Compiled);

    private static string Apply(string[] good, IReadOnlyList<Edit> edits, int cut)
    {
        var lines = good.ToList();
        foreach (var e in edits)
        {
            if (lines.Count == 0) break;
            int i = e.Line % lines.Count, j = e.Other % lines.Count;
            switch (e.Op)
            {
                case LineOp.Duplicate: lines.Insert(j, lines[i]); break;
                case LineOp.Drop: lines.RemoveAt(i); break;
                case LineOp.Swap: (lines[i], lines[j]) = (lines[j], lines[i]); break;
                case LineOp.Number:
                case LineOp.Value:
                    var ms = NumberOrValue.Matches(lines[i]).Where(m => e.Op == LineOp.Value || m.Value[0] is '-' or (>= '0' and <= '9')).ToList();
                    if (ms.Count == 0) break;
                    var mm = ms[e.At % ms.Count];
                    lines[i] = lines[i][..mm.Index] + e.Raw + lines[i][(mm.Index + mm.Length)..];
                    break;
                case LineOp.Flip:
                    if (lines[i].Length == 0) break;
                    int at = e.At % lines[i].Length;
                    lines[i] = lines[i][..at] + e.C + lines[i][(at + 1)..];
                    break;
            }
        }
        string text = string.Join("\n", lines) + "\n";
        // cut < 0: the whole file; else the file cut at that byte (modulo its length), as a kill mid-write leaves it.
        return cut < 0 ? text : text[..(cut % (text.Length + 1))];
    }

    private void Consume(string text)
    {
        int n = Interlocked.Increment(ref _n);
        string log = Path.Combine(_dir, $"l{n % 32}.jsonl");
        string input = $"log:\n{text}";
        File.WriteAllText(log, text, new UTF8Encoding(false));
        Run([.. Optimize, "--resume", log], input);
        File.WriteAllText(log, text, new UTF8Encoding(false));
        string rep = Path.Combine(_dir, $"r{n % 32}");
        Run(["report", "--study", log, "--out", rep], input);
    }

    private static void Run(string[] args, string input)
    {
        var task = Task.Run(() => CliRunner.Run(args));
        if (!task.Wait(TimeSpan.FromSeconds(60))) throw new Exception($"{string.Join(' ', args)} did not finish in 60 s for {input}");
        var (code, _, err) = task.Result;
        if (code == 0) return;
        if (code != 2) throw new Exception($"exit {code} (expected 0 or 2) for {string.Join(' ', args)}: {err} | {input}");
        Fuzz.AssertOneLineError(err, input);
    }

    [Fact]
    public void DamagedStudyLogsResumeOrReportOrGiveOneLineErrors()
    {
        var good = GoodLog();
        Gen.Select(EditGen.List[1, 4], Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[0, 1 << 20])), (e, c) => Apply(good, e, c))
            .Check(Consume, 30);
    }

    [Fact]
    public void StudyLogsCutAtAnyByteResumeOrGiveOneLineErrors()
    {
        var good = GoodLog();
        string text = string.Join("\n", good) + "\n";
        Fuzz.Damage(text).Check(Consume, 20);
    }
}
