using DeepTrain.Model;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Search;

public class SuiteProblemTests
{
    public static TheoryData<string> Small => new() { "windows-19", "spacing-19", "pairs-19", "budget-19", "plain6", "spacing-12", "pairs-16" };

    private static SuiteProblem Problem(string spec) => (SuiteProblem)OracleRegistry.SyntheticProblem(spec, 0);

    // Exhaustive check of the stated optimum on instances small enough to enumerate (2^19 masks at most).
    [Theory]
    [MemberData(nameof(Small))]
    public void KnownOptimumIsFeasibleAndNoMaskWithFewerSitesIs(string spec)
    {
        var p = Problem(spec);
        var opt = p.KnownOptimum!;
        Assert.True(p.TrulyFeasible(opt));
        int s = p.SiteCount, k = opt.Count;
        var words = new ulong[1];
        for (ulong r = 0; r < 1UL << s; r++)
        {
            if (System.Numerics.BitOperations.PopCount(r) >= k) continue;
            words[0] = r;
            Assert.False(p.TrulyFeasible(SiteMask.FromWords(s, words)), $"{spec}: mask {r} with fewer sites than {k} is feasible");
        }
    }

    [Theory]
    [InlineData("windows", 19, 2)] [InlineData("windows", 55, 6)] [InlineData("windows", 109, 11)] [InlineData("windows", 155, 16)]
    [InlineData("pairs", 19, 4)] [InlineData("pairs", 55, 12)] [InlineData("pairs", 109, 24)] [InlineData("pairs", 155, 32)]
    [InlineData("budget", 19, 5)] [InlineData("budget", 55, 11)] [InlineData("budget", 109, 20)] [InlineData("budget", 155, 26)]
    public void OptimumSizeFollowsTheConstruction(string family, int sites, int optimum)
    {
        var p = SuiteProblem.Create(family, sites, 1, 0);
        Assert.Equal(optimum, p.OptimumSites);
        Assert.True(p.TrulyFeasible(p.KnownOptimum!));
        // Dropping any active site of the optimum makes it infeasible (it is minimal, not just small).
        foreach (int i in p.KnownOptimum!.ActiveSites()) Assert.False(p.TrulyFeasible(p.KnownOptimum.With(i, false)));
    }

    // The DP optimum of the spacing problem, checked against enumeration of every placement of k and k−1 sites on
    // 55 sites is too large; instead: the optimum is feasible, minimal, and no (k−1)-subset of a sliding family is.
    [Theory]
    [InlineData(55)] [InlineData(109)] [InlineData(155)]
    public void SpacingOptimumIsMinimalAndEveryOneSiteDropFails(int sites)
    {
        var p = new SpacingProblem(sites);
        var opt = p.KnownOptimum!;
        Assert.True(p.TrulyFeasible(opt));
        foreach (int i in opt.ActiveSites()) Assert.False(p.TrulyFeasible(opt.With(i, false)));
        // Even spacing of k−1 sites (the best placement for a convex gap penalty, up to rounding) is infeasible.
        int k = opt.Count - 1;
        for (int shift = 0; shift < 8; shift++)
        {
            var m = SiteMask.FromIndices(sites, Enumerable.Range(0, k).Select(j => Math.Min(sites - 1, (j + 1) * sites / (k + 1) + shift - 4)));
            Assert.False(p.TrulyFeasible(m));
        }
    }

    [Fact]
    public void SpacingOptimumAt55SitesIsSixSites() => Assert.Equal(6, new SpacingProblem(55).OptimumSites);

    [Fact]
    public void NoiseDependsOnTheSeedAndHasTheStatedSpread()
    {
        var p = Problem("spacing-55,noise=2.5");
        var m = SiteMask.All(55);
        var xs = Enumerable.Range(0, 4000).Select(seed => p.Accuracy(m, seed)).ToArray();
        double mean = xs.Average(), sd = Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / xs.Length);
        Assert.InRange(mean, p.NoiseFree(m) - 0.2, p.NoiseFree(m) + 0.2);
        Assert.InRange(sd, 2.3, 2.7);
        Assert.Equal(p.Accuracy(m, 7), p.Accuracy(m, 7));
        Assert.Equal(p.NoiseFree(m), Problem("spacing-55").Accuracy(m, 7));
    }

    [Fact]
    public async Task Plain6MatchesTheShippedTable()
    {
        var p = new Plain6Problem();
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "examples", "tables", "plain6.csv");
        if (!File.Exists(path)) return;
        var t = new TableOracle(path, 6);
        for (int r = 0; r < 64; r++)
        {
            var m = SiteMask.FromWords(6, [(ulong)r]);
            Assert.Equal((await t.EvaluateAsync(new OracleRequest(m, "plain6", 0), default)).AccuracyPercent, p.Accuracy(m, 0));
        }
        Assert.Equal(1, p.OptimumSites);
    }

    [Theory]
    [InlineData("windows-3")] [InlineData("spacing")] [InlineData("pairs-55,noise=x")] [InlineData("budget-55,color=2")]
    public void BadSuiteSpecsAreOracleErrors(string spec) =>
        Assert.Throws<OracleError>(() => OracleRegistry.SyntheticProblem(spec, 0));
}
