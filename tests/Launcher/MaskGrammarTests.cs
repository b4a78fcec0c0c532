using System.Text.Json;
using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Launcher;

/// <summary>Issue 13 item 2 and issue 12 item 3: one grammar for site selections and one rule for lists, the same
/// everywhere.</summary>
public sealed class MaskGrammarTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dt-masks-" + Guid.NewGuid().ToString("N"));
    public MaskGrammarTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    [Theory]
    [InlineData("all", "1111111")]
    [InlineData("none", "0000000")]
    [InlineData("every:1", "1111111")]
    [InlineData("every:3", "1001001")]
    [InlineData("every-3", "1001001")]
    [InlineData("EVERY:3", "1001001")]
    [InlineData("first:0", "0000000")]
    [InlineData("first:2", "1100000")]
    [InlineData("last:3", "0000111")]
    [InlineData("last:7", "1111111")]
    [InlineData("sites:1,4,6", "0100101")]
    [InlineData("sites:1+4+6", "0100101")]
    [InlineData("sites:1, 4 ,6", "0100101")]
    [InlineData("sites:0..2+5", "1110010")]
    [InlineData("sites:", "0000000")]
    [InlineData("mask:0110010", "0110010")]
    [InlineData("0110010", "0110010")]
    public void EachWordSelectsTheDocumentedSites(string word, string bits) =>
        Assert.Equal(bits, SiteSelection.Parse(word, 7).ToString());

    [Theory]
    [InlineData("every:0", "K must be")]
    [InlineData("every:-1", "K must be")]
    [InlineData("first:8", "only 7")]
    [InlineData("last:8", "only 7")]
    [InlineData("sites:7", "site 7 does not exist")]
    [InlineData("sites:1+x", "'x'")]
    [InlineData("sites:3..1", "empty")]
    [InlineData("mask:01", "exactly 7 digits")]
    [InlineData("mask:01100102", "exactly 7 digits")]
    [InlineData("al", "did you mean all?")]
    [InlineData("frist:2", "did you mean first?")]
    [InlineData("half", "every:K")]
    public void BadSelectionsAreOneLineUserErrorsNamingTheProblem(string word, string fragment)
    {
        var e = Assert.ThrowsAny<UserError>(() => SiteSelection.Parse(word, 7, "--norm"));
        Assert.Contains("--norm", e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>The sweep's old every-K meant sites K−1, 2K−1, …; it is now every:K, sites 0, K, 2K, ….</summary>
    [Fact]
    public void SweepEveryKIsTheSameSitesAsEstimateEveryK()
    {
        for (int s = 1; s <= 70; s++)
            for (int k = 1; k <= 9; k++)
            {
                var a = SiteSelection.Parse($"every-{k}", s);
                var b = SiteSelection.Parse($"every:{k}", s);
                Assert.Equal(b, a);
                Assert.True(b[0], "every:K keeps site 0");
                for (int i = 0; i < s; i++) Assert.Equal(i % k == 0, b[i]);
            }
    }

    private static readonly string[] Words =
    [
        "all", "none", "every:3", "every-3", "first:4", "last:5", "sites:1,5,17", "sites:1+5+17", "sites:0..2+7",
        "mask:0101010101010101010",
    ];

    /// <summary>The one test over all commands: estimate --norm, train --norm, report --norm and a sweep's
    /// sitePolicies each select, for the same word on the same network, the sites the shared grammar gives.</summary>
    [Fact]
    public void EveryMaskWordSelectsTheSameSitesInEveryCommand()
    {
        const string net = "resnet20"; // 19 sites
        var words = Words;
        var expected = words.Select(w => SiteSelection.Parse(w, 19).ToString()).ToArray();
        Assert.Equal(words.Length, expected.Distinct().Count() + 2); // every-3 = every:3, sites:1,5,17 = sites:1+5+17

        // sweep: one row per policy, in order, mask column "m" + bits.
        string spec = Path.Combine(_dir, "spec.json"), csv = Path.Combine(_dir, "rows.csv");
        File.WriteAllText(spec, JsonSerializer.Serialize(new
        {
            networks = new[] { net }, archs = new[] { "deeptrain" }, batchSizes = new[] { 16 }, sitePolicies = words,
        }));
        var sw = CliRunner.Run("sweep", spec, "--out", csv, "-q");
        Assert.True(sw.Code == 0, sw.Err);
        var sweepMasks = DeepTrain.Actors.Sweeps.SweepCsv.Read(csv).Select(r => r.Mask).ToArray();
        Assert.Equal(expected, sweepMasks);

        for (int i = 0; i < words.Length; i++)
        {
            var est = CliRunner.Run("estimate", "--net", net, "--norm", words[i], "--json");
            Assert.True(est.Code == 0, est.Err);
            Assert.Equal(expected[i], JsonDocument.Parse(est.Out).RootElement.GetProperty("mask").GetString());

            // train --proxy: one forward/backward at initialization, prints the mask it used.
            var tr = CliRunner.Run("train", "--net", "plain19", "--norm", words[i], "--proxy", "--json", "--train-images", "8",
                                   "--test-images", "8", "--batch", "8", "--threads", "1");
            Assert.True(tr.Code == 0, tr.Err);
            Assert.Equal(expected[i], JsonDocument.Parse(tr.Out).RootElement.GetProperty("mask").GetString());
        }

        // report --norm: the chosen mask drawn on the sites front is the same one (one word; reports render figures).
        string outDir = Path.Combine(_dir, "report");
        var rep = CliRunner.Run("report", "--net", net, "--norm", "every:3", "--compare", net, "--gpus", "v100", "--out", outDir,
                                "--size", "400x300");
        Assert.True(rep.Code == 0, rep.Err);
        int everyThree = SiteSelection.Parse("every:3", 19).Count;
        Assert.Contains($"chosen ({everyThree} sites)", File.ReadAllText(Path.Combine(outDir, "report.md")));
    }

    [Theory]
    [InlineData("0+1+2")]
    [InlineData("0..2")]
    [InlineData("0|1|2")]
    [InlineData("0+1..2")]
    public void SeedListsUseOneRuleAndTheOldPipeStillWorks(string seeds)
    {
        var net = Zoo.Resolve("plain3w4");
        var oracle = DeepTrain.Training.TrainOracle.Parse($"epochs=1, seeds={seeds}, train=8, test=8, threads=1, batch=8", net);
        Assert.Equal(new ulong[] { 0, 1, 2 }, oracle.Seeds);
        Assert.Contains("seeds=0+1+2", oracle.Description);
    }

    [Theory]
    [InlineData("0+")]
    [InlineData("2..0")]
    [InlineData("0..99999999")]
    [InlineData("-1")]
    [InlineData("a")]
    public void BadSeedListsAreUserErrors(string seeds) =>
        Assert.ThrowsAny<UserError>(() => DeepTrain.Training.TrainOracle.Parse($"epochs=1, seeds={seeds}, train=8, test=8", Zoo.Resolve("plain3w4")));

    [Fact]
    public void TheReadmeAndDocsNoLongerTellUsersToTypeAnUnquotedPipe()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "README.md"))) d = d.Parent;
        Assert.NotNull(d);
        foreach (var f in new[] { "README.md", "docs/SEARCH.md", "docs/TRAINER.md" })
            Assert.DoesNotContain("seeds=0|1|2", File.ReadAllText(Path.Combine(d!.FullName, f)));
    }
}
