using DeepTrain.Model;
using DeepTrain.Model.Search.Study;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Search;

/// <summary>Issue 12 item 19: a corrupt study log is a one-line error naming the line, for `optimize --resume` and
/// `report --study` alike; only a torn last line is dropped.</summary>
public sealed class StudyLogValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dt-logval-").FullName;
    private static readonly string[] Optimize = ["optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "9", "--proposals", "4", "-q"];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A complete 9-call log written by optimize: header, ask 0, 1 observation, ask 1, 4 observations, ask 2, 4.</summary>
    private string[] GoodLog()
    {
        var path = Path.Combine(_dir, "study.jsonl");
        if (!File.Exists(path))
        {
            var r = CliRunner.Run([.. Optimize, "--out", path]);
            Assert.True(r.Code == 0, r.Err);
        }
        return File.ReadAllLines(path);
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllText(p, string.Join("\n", lines) + "\n");
        return p;
    }

    /// <summary>Both consumers refuse the log with exit 2 and one stderr line containing <paramref name="expected"/>.</summary>
    private void BothRefuse(string log, string expected)
    {
        var resume = CliRunner.Run([.. Optimize, "--resume", log]);
        Assert.Equal(2, resume.Code);
        Assert.Contains(expected, Assert.Single(resume.Err.TrimEnd().Split('\n')));
        var report = CliRunner.Run("report", "--study", log, "--out", Path.Combine(_dir, "rep"));
        Assert.Equal(2, report.Code);
        Assert.Contains(expected, Assert.Single(report.Err.TrimEnd().Split('\n')));
    }

    private static int LineOf(string[] lines, string contains, int nth = 0) =>
        lines.Select((l, i) => (l, i)).Where(x => x.l.Contains(contains)).Skip(nth).First().i;

    [Fact]
    public void ADuplicatedLineIsRefusedNamingItsLine()
    {
        var lines = GoodLog().ToList();
        // sed '2p': line 2 is the reference round's ask.
        lines.Insert(1, lines[1]);
        BothRefuse(Write("d.jsonl", lines), "d.jsonl line 3: round 0 is asked again");
        // The same with an observation: it would count one call twice.
        lines = GoodLog().ToList();
        int obs = LineOf(lines.ToArray(), "\"observation\"", 2);
        lines.Insert(obs + 1, lines[obs]);
        BothRefuse(Write("o.jsonl", lines), $"o.jsonl line {obs + 2}: duplicate observation of proposal");
    }

    [Fact]
    public void ARecordCutShortBeforeTheLastIsRefusedNamingItsLine()
    {
        var lines = GoodLog();
        int i = LineOf(lines, "\"observation\"", 1);
        lines[i] = lines[i][..(lines[i].Length / 2)];
        BothRefuse(Write("t.jsonl", lines), $"t.jsonl line {i + 1}: not JSON");
    }

    [Fact]
    public void AnAskWhoseRoundWasChangedIsRefusedInsteadOfRepeatingCalls()
    {
        var lines = GoodLog();
        int i = LineOf(lines, "\"ask\"", 1);
        Assert.Contains("\"round\":1", lines[i]);
        lines[i] = lines[i].Replace("\"round\":1", "\"round\":5");
        BothRefuse(Write("r.jsonl", lines), $"r.jsonl line {i + 1}: ask for round 5 out of order (the next round is 1)");
        // An observation moved to another round no longer matches what that round asked.
        lines = GoodLog();
        i = LineOf(lines, "\"observation\"", 1);
        lines[i] = lines[i].Replace("\"round\":1", "\"round\":2");
        BothRefuse(Write("s.jsonl", lines), $"s.jsonl line {i + 1}: observation of");
    }

    [Fact]
    public void AnAccuracyOutside0To100IsRefused()
    {
        var lines = GoodLog();
        int i = LineOf(lines, "\"accuracy\":", 3);
        lines[i] = System.Text.RegularExpressions.Regex.Replace(lines[i], "\"accuracy\":[0-9.eE+-]+", "\"accuracy\":150");
        BothRefuse(Write("a.jsonl", lines), $"a.jsonl line {i + 1}: accuracy 150 of proposal");
    }

    [Theory]
    [InlineData("\"seconds\":-1", "took -1 s")]
    [InlineData("\"attempts\":0", "0 attempts")]
    [InlineData("\"mask\":\"11x1111111\"", "has mask 11x1111111")]
    [InlineData("\"seed\":\"one\"", "\"seed\" is not a 32-bit integer")]
    public void ImpossibleObservationFieldsAreRefusedNamingTheLine(string replacement, string expected)
    {
        var lines = GoodLog();
        int i = LineOf(lines, "\"observation\"", 4);
        string field = replacement[..(replacement.IndexOf(':') + 1)];
        lines[i] = System.Text.RegularExpressions.Regex.Replace(lines[i], System.Text.RegularExpressions.Regex.Escape(field) + "(\"[^\"]*\"|[^,}]+)", replacement);
        var ex = Assert.Throws<UserError>(() => StudyLog.Read(Write("f.jsonl", lines)));
        Assert.StartsWith($"{Path.Combine(_dir, "f.jsonl")} line {i + 1}: ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void AnAskAheadOfTheLastObservationsOfThePreviousRoundIsAcceptedAndResumed()
    {
        // A kill can leave round r+1's ask before round r's last observations (a batch of records is written proposals
        // first); resume must run the unanswered call, not refuse the log.
        var lines = GoodLog().ToList();
        int i = LineOf(lines.ToArray(), "\"observation\"", 2);
        lines.RemoveAt(i);
        var path = Write("g.jsonl", lines);
        Assert.Equal(8, StudyLog.Read(path).Observations.Count);
        var r = CliRunner.Run([.. Optimize, "--resume", path]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(9, StudyLog.Read(path).Observations.Count);
    }

    [Fact]
    public void ATornLastLineIsDroppedAndTheResumeCompletesTheStudy()
    {
        var good = GoodLog();
        var path = Path.Combine(_dir, "torn.jsonl");
        var text = string.Join("\n", good) + "\n";
        File.WriteAllText(path, text[..^12]); // killed in the middle of the last observation
        var c = StudyLog.Read(path);
        Assert.Equal(8, c.Observations.Count);
        var r = CliRunner.Run([.. Optimize, "--resume", path]);
        Assert.True(r.Code == 0, r.Err);
        static string Key(Observation o) => $"{o.Round}/{o.Slot}/{o.Mask}/{o.Seed}/{o.AccuracyPercent}";
        var expected = StudyLog.Read(Path.Combine(_dir, "study.jsonl")).Observations.Select(Key).Order();
        Assert.Equal(expected, StudyLog.Read(path).Observations.Select(Key).Order());
    }
}
