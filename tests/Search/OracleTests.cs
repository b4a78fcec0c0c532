using DeepTrain.Model;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Search;

public class OracleTests
{
    private static OracleRequest Req(string mask, int seed = 7) => new(SiteMask.Parse(mask, mask.Length), "resnet20", seed);

    [Fact]
    public void CommandTemplateIsSplitLikeAShellWithoutExpansion()
    {
        Assert.Equal(["python3", "train.py", "--mask", "{mask}", "a b", "it's", "$HOME", "x\"y"],
            CommandOracle.SplitArguments("python3 train.py --mask {mask} 'a b' \"it's\" '$HOME' x\\\"y"));
        Assert.Throws<OracleError>(() => CommandOracle.SplitArguments("echo 'open"));
    }

    [Fact]
    public async Task CommandOracleSubstitutesPlaceholdersAndEnvironment()
    {
        var o = new CommandOracle("/bin/sh -c 'echo progress; echo \"{\\\"accuracy\\\": 9$DEEPTRAIN_SEED.5, \\\"m\\\": \\\"$1 $DEEPTRAIN_MASK $DEEPTRAIN_NET\\\"}\"' sh {mask}-{net}-{seed}", TimeSpan.FromSeconds(20));
        var r = await o.EvaluateAsync(Req("0110", 1), CancellationToken.None);
        Assert.True(r.Succeeded, r.Error);
        Assert.Equal(91.5, r.AccuracyPercent);
    }

    [Theory]
    [InlineData("echo not json", "not JSON")]
    [InlineData("echo '{\"accuracy\": \"NaN\"}'", "NaN")]
    [InlineData("echo '{\"accuracy\": 140}'", "outside 0..100")]
    [InlineData("echo '{\"loss\": 1}'", "no \\\"accuracy\\\"")]
    [InlineData("echo boom >&2; exit 3", "code 3")]
    [InlineData("true", "printed nothing")]
    public async Task BadProgramOutputIsARecordedFailureNotANumber(string script, string expected)
    {
        var o = new CommandOracle("/bin/sh -c \"" + script.Replace("\"", "\\\"") + "\"", TimeSpan.FromSeconds(20));
        var r = await o.EvaluateAsync(Req("01"), CancellationToken.None);
        Assert.False(r.Succeeded);
        Assert.True(double.IsNaN(r.AccuracyPercent));
        Assert.Contains(expected.Replace("\\\"", "\""), r.Error);
    }

    [Fact]
    public async Task CrashCarriesTheStderrTail()
    {
        var o = new CommandOracle("/bin/sh -c 'echo CUDA out of memory >&2; exit 1'", TimeSpan.FromSeconds(20));
        var r = await o.EvaluateAsync(Req("01"), CancellationToken.None);
        Assert.Contains("CUDA out of memory", r.Error);
    }

    [Fact]
    public async Task TimeoutIsAFailureAndRetriesAreCounted()
    {
        var o = new RetryingOracle(new CommandOracle("sleep 5", TimeSpan.FromMilliseconds(200)), 2);
        var r = await o.EvaluateAsync(Req("01"), CancellationToken.None);
        Assert.False(r.Succeeded);
        Assert.Contains("timed out", r.Error);
        Assert.Equal(2, r.Attempts);
    }

    [Fact]
    public async Task TableOracleAnswersBySeedThenMeanAndRejectsUnknownMasks()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "mask,accuracy,seed\n1111,92.0,1\n1111,91.0,2\n0101,90.5,1\n");
        var o = OracleRegistry.Parse("table:" + path, new OracleContext(4, "n", TimeSpan.FromSeconds(1), 1));
        Assert.Equal(91.0, (await o.EvaluateAsync(Req("1111", 2), default)).AccuracyPercent);
        Assert.Equal(91.5, (await o.EvaluateAsync(Req("1111", 9), default)).AccuracyPercent);
        var e = await Assert.ThrowsAsync<OracleError>(() => o.EvaluateAsync(Req("0011"), default));
        Assert.Contains("0011", e.Message);
        File.Delete(path);
    }

    [Fact]
    public void UnknownOracleKindIsAUserError() =>
        Assert.Throws<OracleError>(() => OracleRegistry.Parse("magic:x", new OracleContext(4, "n", TimeSpan.FromSeconds(1), 1)));

    [Fact]
    public void ContaminationProblemFollowsThePublishedDefinition()
    {
        var p = new ContaminationProblem(1);
        Assert.Equal(25, p.SiteCount);
        // Prevention everywhere keeps every stage below the limit far more often than without any prevention.
        var all = p.StageProbabilities(SiteMask.All(25)); var none = p.StageProbabilities(SiteMask.None(25));
        Assert.True(all.Min() >= 0.95, $"all-prevention min probability {all.Min()}");
        Assert.True(none.Min() < 0.5);
        Assert.Equal(95.0, p.Accuracy(SiteMask.All(25), 0) - p.TolerancePercent, 12);
        // BOCS objective: Σu − Σ(P̂_i − 0.95) (+ λ‖u‖₁).
        Assert.Equal(25 - all.Sum(x => x - 0.95), p.PublishedObjective(SiteMask.All(25)), 12);
        Assert.Equal(25 - all.Sum(x => x - 0.95) + 0.25, p.PublishedObjective(SiteMask.All(25), 0.01), 12);
        // Stage recursion with u_1 = 1 only: Z_1 = (1 − Γ_1)Z_0, which never exceeds Z_0 ≤ 1 − 30th quantile.
        Assert.True(p.StageProbabilities(SiteMask.FromIndices(25, [0]))[0] >= none[0]);
    }
}
