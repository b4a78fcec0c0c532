using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using DeepTrain.Launcher;
using DeepTrain.Launcher.Commands;
using DeepTrain.Model.Search.Study;

namespace DeepTrain.Tests.Launcher;

/// <summary>Issue 12 items 7, 8, 18 and issue 13 item 3: numbers are parsed invariantly and strictly, every numeric
/// option has a documented range, and anything outside it is one line naming the option, exit code 2.</summary>
public class NumericOptionTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private static void AssertOneLineNaming(string option, (int Code, string Out, string Err) r)
    {
        Assert.True(r.Code == 2, $"exit {r.Code}: {r.Err}");
        Assert.Equal("", r.Out);
        var line = Assert.Single(r.Err.TrimEnd().Split('\n'));
        Assert.Contains(option, line);
        Assert.DoesNotContain("internal error", line);
        Assert.DoesNotContain("   at ", line);
    }

    [Fact]
    public void ToleranceWithADecimalCommaIsAnErrorNotFive() =>
        AssertOneLineNaming("--tolerance", Run("optimize", "--oracle", "synthetic:critical", "--tolerance", "0,5"));

    /// <summary>The reproducers of issue 12 item 8 (and their neighbours): each is rejected before any work starts.</summary>
    [Theory]
    [InlineData("--tolerance", "Infinity")]
    [InlineData("--tolerance", "NaN")]
    [InlineData("--tolerance", "-0.1")]
    [InlineData("--tolerance", "101")]
    [InlineData("--oracle-timeout", "1e300")]
    [InlineData("--oracle-timeout", "Infinity")]
    [InlineData("--oracle-timeout", "5000000")]
    [InlineData("--oracle-timeout", "0")]
    [InlineData("--candidates", "2147483647")]
    [InlineData("--candidates", "99")]
    [InlineData("--candidates", "1,000")]
    [InlineData("--retries", "2147483647")]
    [InlineData("--retries", "-1")]
    [InlineData("--budget", "0")]
    [InlineData("--budget", "99999999999999999999")]
    [InlineData("--proposals", "0")]
    [InlineData("--seed", "1.5")]
    [InlineData("--images", " 64")]
    public void OptimizeOutOfRangeOrMalformedNumbersAreOneLineNamingTheOption(string option, string value) =>
        AssertOneLineNaming(option, Run("optimize", "--oracle", "synthetic:critical", "--objective", "sites", option, value,
                                        "--out", Path.Combine(Path.GetTempPath(), "never-" + Guid.NewGuid().ToString("N"))));

    [Theory]
    [InlineData("estimate", "--batch", "0")]
    [InlineData("estimate", "--batch", "64.0")]
    [InlineData("pareto", "--batch", "-1")]
    [InlineData("report", "--batch", "2147483648")]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--lr", "1e999")]
    [InlineData("train", "--difficulty", "1.5")]
    [InlineData("train", "--seed", "-1")]
    [InlineData("train", "--threads", "0")]
    [InlineData("sweep", "--chunk", "0")]
    [InlineData("sweep", "--workers", "2147483647")]
    public void OtherCommandsRejectOutOfRangeNumbersNamingTheOption(string command, string option, string value)
    {
        var args = command switch
        {
            "report" => new[] { command, option, value, "--out", "never" },
            "sweep" => [command, "examples/sweep.json", "--out", "never.csv", option, value],
            _ => [command, option, value],
        };
        AssertOneLineNaming(option, Run(args));
    }

    [Fact]
    public void RetriesBeyondTheRangeFailFastOnASingleNodeInsteadOfWaitingForACoordinator()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = Run("optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--retries", "2147483647");
        AssertOneLineNaming("--retries", r);
        Assert.DoesNotContain("coordinator", r.Err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    /// <summary>Every numeric option of every command: its --help states a range "Range MIN..MAX.", a value inside is
    /// accepted as the invariant number, one just outside, a comma-decimal, "Infinity" and text are each exactly one
    /// error naming the option.</summary>
    [Fact]
    public void EveryNumericOptionDocumentsItsRangeAndEnforcesIt()
    {
        var commands = new Func<Command>[]
        {
            OptimizeCommand.Create, EstimateCommand.Create, ParetoCommand.Create, TrainCommand.Create, ReportCommand.Create,
            SweepCommand.Create, ArchCommand.Create, VersionCommand.Create, NodeCommand.Create,
        };
        int checkedOptions = 0;
        foreach (var factory in commands)
        {
            var cmd = factory();
            foreach (var o in cmd.Options)
            {
                var t = o.GetType();
                if (!t.IsGenericType) continue;
                var vt = Nullable.GetUnderlyingType(t.GetGenericArguments()[0]) ?? t.GetGenericArguments()[0];
                if (vt != typeof(int) && vt != typeof(double) && vt != typeof(ulong) && vt != typeof(long)) continue;
                checkedOptions++;
                var m = Regex.Match(o.Description ?? "", @"Range (-?[0-9.eE+-]+?)\.\.(-?[0-9.eE+^-]+)\.");
                Assert.True(m.Success, $"{cmd.Name} {o.Name}: --help gives no range: '{o.Description}'");
                if (vt == typeof(ulong)) { CheckUInt64(cmd, o); continue; }
                double min = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                double max = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                bool integer = vt == typeof(int);
                Accepts(cmd, o, min.ToString("R", CultureInfo.InvariantCulture), min);
                Accepts(cmd, o, max.ToString("R", CultureInfo.InvariantCulture), max);
                string below = integer ? ((long)min - 1).ToString(CultureInfo.InvariantCulture) : (min - Math.Max(1, Math.Abs(min))).ToString("R", CultureInfo.InvariantCulture);
                string above = integer ? ((long)max + 1).ToString(CultureInfo.InvariantCulture) : (max * 2 + 1).ToString("R", CultureInfo.InvariantCulture);
                foreach (var bad in new[] { below, above, "1,5", "Infinity", "-Infinity", "NaN", "ten", "", "0x10", "1_0" })
                    Rejects(cmd, o, bad);
                if (integer) Rejects(cmd, o, "2.5");
            }
        }
        Assert.True(checkedOptions >= 20, $"only {checkedOptions} numeric options found");
    }

    private static void Accepts(Command cmd, Option o, string token, double expected)
    {
        var parse = Parse(cmd, o, token);
        Assert.True(parse.Errors.Count == 0, $"{cmd.Name} {o.Name} {token}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        object? v = parse.GetValue<object>(o.Name);
        Assert.Equal(expected, Convert.ToDouble(v, CultureInfo.InvariantCulture));
    }

    private static void Rejects(Command cmd, Option o, string token)
    {
        var parse = Parse(cmd, o, token);
        Assert.True(parse.Errors.Count >= 1, $"{cmd.Name} {o.Name} '{token}' was accepted");
        Assert.Contains(o.Name, parse.Errors[0].Message);
        Assert.DoesNotContain("\n", parse.Errors[0].Message);
    }

    private static void CheckUInt64(Command cmd, Option o)
    {
        Assert.Equal(ulong.MaxValue, Convert.ToUInt64(Parse(cmd, o, "18446744073709551615").GetValue<object>(o.Name)));
        foreach (var bad in new[] { "-1", "18446744073709551616", "1e3", "1,5", "seven" }) Rejects(cmd, o, bad);
    }

    private static ParseResult Parse(Command cmd, Option o, string token)
    {
        var root = new RootCommand { cmd };
        // Required options and arguments get placeholders so that only the option under test can fail.
        var args = new List<string> { cmd.Name };
        foreach (var a in cmd.Arguments) args.Add("placeholder");
        foreach (var r in cmd.Options.Where(x => x.Required && x != o)) { args.Add(r.Name); args.Add("placeholder"); }
        args.Add($"{o.Name}={token}");
        return root.Parse(args);
    }

    [Fact]
    public void ATypoSuggestsTheNearestOption()
    {
        var r = Run("optimize", "--oracle", "synthetic:critical", "--tolerence", "1");
        AssertOneLineNaming("--tolerence", r);
        Assert.Contains("did you mean --tolerance?", r.Err);
    }

    [Fact]
    public void ATypoSuggestsTheNearestCommand()
    {
        var r = Run("optimise", "--budget", "3");
        Assert.Equal(2, r.Code);
        Assert.Contains("did you mean optimize?", Assert.Single(r.Err.TrimEnd().Split('\n')));
    }

    [Fact]
    public void ANameFarFromEveryOptionGetsNoSuggestion()
    {
        var r = Run("estimate", "--zzzzzzzz");
        Assert.Equal(2, r.Code);
        Assert.DoesNotContain("did you mean", r.Err);
    }

    [Fact]
    public void ShortOptionsMeanTheSameInEveryCommandAndEveryQuietCommandHasMinusQ()
    {
        var root = new RootCommand();
        foreach (var f in new Func<Command>[] { OptimizeCommand.Create, EstimateCommand.Create, ParetoCommand.Create, TrainCommand.Create,
                     ReportCommand.Create, SweepCommand.Create, ArchCommand.Create, VersionCommand.Create, NodeCommand.Create, ZooCommand.Create })
            root.Subcommands.Add(f());
        var meaning = new Dictionary<string, (string Long, string Command)>();
        foreach (var cmd in root.Subcommands)
            foreach (var o in cmd.Options)
            {
                if (o.Name == "--quiet") Assert.Contains("-q", o.Aliases);
                foreach (var a in o.Aliases.Where(a => a.Length == 2 && a[0] == '-' && a[1] != '-'))
                {
                    if (meaning.TryGetValue(a, out var seen))
                        Assert.True(seen.Long == o.Name, $"{a} is {seen.Long} in {seen.Command} but {o.Name} in {cmd.Name}");
                    else meaning[a] = (o.Name, cmd.Name);
                }
            }
        Assert.Contains("-q", meaning.Keys);
        Assert.Contains(root.Subcommands.Single(c => c.Name == "sweep").Options, o => o.Aliases.Contains("-q"));
    }

    [Fact]
    public void ProposalsIsTheNewNameAndDeprecatedBatchStillSetsIt()
    {
        string a = Path.Combine(Path.GetTempPath(), "prop-a-" + Guid.NewGuid().ToString("N") + ".jsonl");
        string b = Path.Combine(Path.GetTempPath(), "prop-b-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            var common = new[] { "optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "5", "--quiet", "--json" };
            var viaNew = Run([.. common, "--proposals", "3", "--out", a]);
            Assert.True(viaNew.Code == 0, viaNew.Err);
            Assert.DoesNotContain("deprecated", viaNew.Err);
            var viaOld = Run([.. common, "--batch", "3", "--out", b]);
            Assert.True(viaOld.Code == 0, viaOld.Err);
            Assert.Contains("--batch is deprecated; use --proposals", viaOld.Err);
            Assert.Equal(3, StudyLog.Read(a).Config.BatchSize);
            Assert.Equal(3, StudyLog.Read(b).Config.BatchSize);
            Assert.Equal(viaNew.Out, viaOld.Out.Replace(b, a));
            var both = Run([.. common, "--batch", "3", "--proposals", "3", "--out", b + "2"]);
            Assert.Equal(2, both.Code);
        }
        finally { File.Delete(a); File.Delete(b); }
    }

    [Fact]
    public void OptimizeRefusesToOverwriteAnExistingStudyLogUnlessForced()
    {
        string log = Path.Combine(Path.GetTempPath(), "study-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            var args = new[] { "optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "4", "--quiet", "--out", log };
            var first = Run(args);
            Assert.True(first.Code == 0, first.Err);
            var before = File.ReadAllBytes(log);
            int calls = StudyLog.Read(log).Observations.Count;
            var again = Run(args);
            AssertOneLineNaming("--out", again);
            Assert.Contains("--force", again.Err);
            Assert.Contains("--resume", again.Err);
            Assert.Equal(before, File.ReadAllBytes(log));
            var forced = Run([.. args, "--force"]);
            Assert.True(forced.Code == 0, forced.Err);
            Assert.Equal(calls, StudyLog.Read(log).Observations.Count); // rewritten, not appended to
        }
        finally { File.Delete(log); }
    }
}
