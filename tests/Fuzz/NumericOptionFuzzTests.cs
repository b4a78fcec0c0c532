using System.Globalization;
using CsCheck;

namespace DeepTrain.Tests.Fuzz;

/// <summary>
/// Every numeric option of optimize, estimate and pareto given an arbitrary string (random text, hostile numbers,
/// numbers in foreign formats) in process: exit 0, or exit 2 with one stderr line; never an internal error or a stack
/// trace. Valid values that only mean a long run (a budget of thousands, 5M candidates) are skipped: this is a test of
/// parsing and range checks, not of run time. train and sweep options (whose valid values start real work) are
/// covered by the fixed list in tests/Launcher/NumericOptionTests.cs only.
/// </summary>
public sealed class NumericOptionFuzzTests : IDisposable
{
    private readonly string _dir = Fuzz.TempDir("numopt");
    private int _n;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>(command, option, largest value run rather than skipped when valid).</summary>
    private static readonly (string Command, string Option, double Cap)[] Options =
    [
        ("optimize", "--images", 1 << 20), ("optimize", "--tolerance", 100), ("optimize", "--budget", 6),
        ("optimize", "--proposals", 8), ("optimize", "--seed", double.MaxValue), ("optimize", "--reference-seeds", 3),
        ("optimize", "--candidates", 2000), ("optimize", "--oracle-timeout", double.MaxValue), ("optimize", "--retries", 100),
        ("estimate", "--batch", double.MaxValue), ("pareto", "--batch", double.MaxValue),
    ];

    private static readonly Gen<string> Value = Gen.Frequency(
        (3, Fuzz.HostileRaw),
        (2, Gen.String),
        (2, Gen.Int[-10, 3000].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.OneOfConst("", " ", " 5", "5 ", "+3", "-0", "0x10", "1e3", "1E-3", "5,0", "1,000", "1_000", "٣", "５", "1.", ".5", "5e", "--",
                           "-", "Infinity", "-Infinity", "∞", "NaN", "nan", "1e309", "4294967297", "99999999999999999999", "0.0001", "1/2", "\0")));

    private void Invoke(int option, string value)
    {
        var (command, name, cap) = Options[option];
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && Math.Abs(x) > cap) return;
        string[] args = command switch
        {
            "optimize" => ["optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "4", "--proposals", "2",
                           "--candidates", "200", "-q", "--out", Path.Combine(_dir, $"s{Interlocked.Increment(ref _n)}.jsonl"), name, value],
            _ => [command, name, value],
        };
        Fuzz.RunCli(args, json: false);
    }

    [Fact]
    public void ArbitraryStringsForEveryNumericOptionRunOrGiveOneLineErrors() =>
        Gen.Select(Gen.Int[0, Options.Length - 1], Value).Check(t => Invoke(t.Item1, t.Item2), 150);
}
