using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;

namespace DeepTrain.Tests.Search;

public class SuiteSearchTests
{
    // Issue 14: the default BO finds the optimum of a small suite problem within 40 calls (one seed per family
    // here to keep CI short; the benchmark measures more seeds).
    [Theory]
    [InlineData("windows-19", 1)] [InlineData("pairs-19", 2)] [InlineData("plain6", 3)]
    public void DefaultBoFindsTheSuiteOptimumWithin40Calls(string spec, int seed)
    {
        var p = SuiteProblem.TryParse(spec)!;
        var run = SuiteRunner.RunOne(p, new SearchMethod("bo"), seed, budget: 40, candidates: 3000);
        Assert.True(run.Hit, $"{spec} seed {seed}: best {run.Best}, optimum {p.OptimumSites}");
        Assert.True(run.Calls <= 40);
    }

    [Fact]
    public void TrustRadiusStartsAtAQuarterOfTheSites()
    {
        var p = new WindowsProblem(19);
        var state = new StudyState(new StudyConfig { Network = "", SiteCount = 19, Objective = "sites", Oracle = "x", Method = "bo" }, p.Objective);
        Assert.Equal(5, BoProposer.TrustRadius(state, 0.25));
    }
}
