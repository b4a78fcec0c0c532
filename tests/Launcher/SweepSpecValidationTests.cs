using DeepTrain.Actors.Sweeps;
using DeepTrain.Model;

namespace DeepTrain.Tests.Launcher;

/// <summary>Issue 12 items 2, 9 and 10: a sweep spec is validated whole before any work, each problem one line naming
/// the field; a sweep output is resumed only by the spec that wrote it.</summary>
public sealed class SweepSpecValidationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dt-sweepspec-" + Guid.NewGuid().ToString("N"));
    public SweepSpecValidationTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    private const string Valid = """{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "sitePolicies": ["all"] }""";

    private (int Code, string Out, string Err, string Csv) Sweep(string specJson, string name = "rows.csv")
    {
        string spec = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json"), csv = Path.Combine(_dir, name);
        File.WriteAllText(spec, specJson);
        var (code, o, e) = CliRunner.Run("sweep", spec, "--out", csv, "--quiet");
        return (code, o, e, csv);
    }

    private void AssertRefusedBeforeAnyWork(string specJson, params string[] mustName)
    {
        var r = Sweep(specJson);
        Assert.True(r.Code == 2, $"exit {r.Code}: {r.Err}");
        var line = Assert.Single(r.Err.TrimEnd().Split('\n'));
        foreach (var n in mustName) Assert.Contains(n, line);
        Assert.DoesNotContain("internal error", line);
        Assert.False(File.Exists(r.Csv), "the sweep started writing before the spec was validated");
    }

    [Theory]
    [InlineData("""{ "networks": null, "archs": ["deeptrain"], "batchSizes": [32] }""", "networks")]
    [InlineData("""{ "networks": [null], "archs": ["deeptrain"], "batchSizes": [32] }""", "networks[0]")]
    [InlineData("""{ "networks": ["resnet20"], "archs": null, "batchSizes": [32] }""", "archs")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain", null], "batchSizes": [32] }""", "archs[1]")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": null }""", "batchSizes")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [null] }""", "batchSizes[0]")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "sitePolicies": null }""", "sitePolicies")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "sitePolicies": [null] }""", "sitePolicies[0]")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "parameters": null }""", "parameters")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "parameters": { "crossbar.rows": null } }""", "crossbar.rows")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "parameters": { "crossbar.rows": { "grid": null } } }""", "crossbar.rows.grid")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "parameters": { "crossbar.rows": { "grid": [null] } } }""", "crossbar.rows.grid[0]")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "parameters": { "crossbar.rows": { "random": { "min": null, "max": 2, "count": 1 } } } }""", "random.min")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "seed": null }""", "seed")]
    [InlineData("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "top": null }""", "top")]
    [InlineData("null", "object")]
    public void NullFieldsAreOneLineErrorsNamingTheField(string spec, string field) => AssertRefusedBeforeAnyWork(spec, field);

    [Fact]
    public void AnUnknownFieldIsRejectedByNameWithTheNearestKnownOne() =>
        AssertRefusedBeforeAnyWork("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "batchSize": [64] }""",
            "unknown field 'batchSize'", "did you mean batchSizes?");

    [Fact]
    public void AnUnknownFieldInAParameterAxisIsRejectedByName() =>
        AssertRefusedBeforeAnyWork("""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "parameters": { "crossbar.rows": { "gird": [64] } } }""",
            "'gird'", "did you mean grid?");

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1048577")]
    [InlineData("\"64\"")]
    public void BadBatchSizesAreRejectedOnTheSubmittingSideBeforeAnyWork(string batch) =>
        AssertRefusedBeforeAnyWork($$"""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32, {{batch}}] }""", "batchSizes[1]");

    [Theory]
    [InlineData("""["every:0"]""", "sitePolicies[0]")]
    [InlineData("""["all", "first:99"]""", "sitePolicies[1]")]
    [InlineData("""["sites:3+99"]""", "site 99")]
    [InlineData("""["evry:2"]""", "did you mean every?")]
    public void BadSitePoliciesAreRejectedBeforeAnyWork(string policies, string mustName) =>
        AssertRefusedBeforeAnyWork($$"""{ "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32], "sitePolicies": {{policies}} }""", mustName);

    [Fact]
    public void AnUnknownNetworkIsRejectedBeforeAnyWork() =>
        AssertRefusedBeforeAnyWork("""{ "networks": ["resnet21"], "archs": ["deeptrain"], "batchSizes": [32] }""", "resnet21");

    [Fact]
    public void ASpecThatExpandsToTooManyConfigsIsRejectedWithoutBuildingThem() =>
        Assert.Contains("combinations", Assert.Throws<UserError>(() => SweepPlan.Parse("""
            { "networks": ["resnet20"], "archs": ["deeptrain"], "batchSizes": [32],
              "parameters": { "crossbar.rows": { "random": { "min": 64, "max": 256, "count": 1000000 } },
                              "crossbar.cols": { "random": { "min": 64, "max": 256, "count": 1000000 } } } }
            """)).Message);

    [Fact]
    public void AValidSpecStillRuns()
    {
        var r = Sweep(Valid);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(2, File.ReadAllLines(r.Csv).Length);
        Assert.Equal(SweepPlan.Parse(Valid).Fingerprint, File.ReadAllText(SweepCsv.SpecHashPath(r.Csv)).Trim());
    }

    /// <summary>The reproducer: examples/sweep.json, then a copy with batchSizes [16,32,64] on the same --out.</summary>
    [Fact]
    public void ResumingAnOutputWrittenByADifferentSpecIsRefusedAndLeavesItIntact()
    {
        string example = File.ReadAllText(Path.Combine(RepoRoot(), "examples", "sweep.json"));
        var first = Sweep(example);
        Assert.True(first.Code == 0, first.Err);
        // Simulate an interrupted run: keep the header and the first 100 rows.
        var lines = File.ReadAllLines(first.Csv);
        File.WriteAllLines(first.Csv, lines.Take(101));
        var before = File.ReadAllBytes(first.Csv);

        string other = example.Replace("\"batchSizes\": [32, 64]", "\"batchSizes\": [16,32,64]");
        Assert.NotEqual(example, other);
        var mixed = Sweep(other);
        Assert.Equal(2, mixed.Code);
        var line = Assert.Single(mixed.Err.TrimEnd().Split('\n'));
        Assert.Contains("different sweep spec", line);
        Assert.DoesNotContain("resuming", mixed.Err);
        Assert.Equal(before, File.ReadAllBytes(first.Csv));

        // The same spec, reformatted, is the same sweep: it resumes and ends with the uninterrupted rows.
        var resumed = Sweep("// the same spec\n" + example.Replace("\n", "\n  "));
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("resuming after 100 of", resumed.Err);
        Assert.Equal(lines, File.ReadAllLines(first.Csv));
    }

    [Fact]
    public void RowsWithNoRecordedSpecAreNotResumed()
    {
        var r = Sweep(Valid);
        Assert.True(r.Code == 0, r.Err);
        File.Delete(SweepCsv.SpecHashPath(r.Csv));
        var again = Sweep(Valid);
        Assert.Equal(2, again.Code);
        Assert.Contains(".spec.sha256", Assert.Single(again.Err.TrimEnd().Split('\n')));
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "examples", "sweep.json"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
