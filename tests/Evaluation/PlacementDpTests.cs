using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Support;

namespace DeepTrain.Tests.Evaluation;

public class PlacementDpTests
{
    [Theory]
    [InlineData(1, "deeptrain", 64)]
    [InlineData(5, "isaac", 32)]
    [InlineData(9, "deeptrain", 16)]
    [InlineData(12, "pipelayer", 128)]
    [InlineData(12, "deeptrain", 2)]
    public void DpEqualsBruteForceOnSmallNetworks(int convs, string arch, int batch)
    {
        var net = TestNetworks.Chain(convs, 16, 32);
        var t = ModelTables.Build(net, ArchSpec.Load(arch), batch);
        var eval = new ScalarEvaluator(t);
        int s = net.SiteCount;
        var best = Enumerable.Repeat(double.PositiveInfinity, s + 1).ToArray();
        for (ulong m = 0; m < 1UL << s; m++)
        {
            var mask = SiteMask.FromWords(s, [m]);
            best[mask.Count] = Math.Min(best[mask.Count], eval.TimePerBatchSeconds(mask));
        }
        var dp = PlacementDp.Solve(t);
        Assert.Equal(s + 1, dp.Count);
        for (int k = 0; k <= s; k++)
        {
            Assert.Equal(k, dp[k].K);
            Assert.Equal(k, dp[k].Mask.Count);
            Assert.True(Math.Abs(dp[k].TimePerBatchSeconds - best[k]) <= 1e-12 * best[k], $"k={k}: dp {dp[k].TimePerBatchSeconds} brute {best[k]}");
            Assert.Equal(eval.TimePerBatchSeconds(dp[k].Mask), dp[k].TimePerBatchSeconds, 12);
        }
    }
}

public class PlacementDpAgainstCubicReferenceTests
{
    /// <summary>The O(S² log S) DP returns, for every k, the same fastest time as the previous O(S³) DP (the brute
    /// force is out of reach here: S is up to 155), and its mask really has k sites and evaluates to that time.</summary>
    [Theory]
    [InlineData("resnet20", "deeptrain", 1)]
    [InlineData("resnet20", "isaac", 64)]
    [InlineData("resnet56", "deeptrain", 8)]
    [InlineData("resnet56", "pipelayer", 256)]
    [InlineData("resnet50", "isaac", 32)]
    [InlineData("resnet110", "deeptrain", 64)]
    [InlineData("resnet152", "deeptrain", 256)]
    public void FastDpEqualsCubicReferenceForEveryK(string network, string arch, int batch)
    {
        var t = ModelTables.Build(Zoo.Resolve(network), ArchSpec.Load(arch), batch);
        var eval = new ScalarEvaluator(t);
        var reference = PlacementDpCubic.Solve(t);
        // default, segment tree on every layer, pruned scan on every layer
        foreach (long budget in new[] { -1L, 0L, long.MaxValue })
        {
        var fast = PlacementDp.Solve(t, budget);
        Assert.Equal(reference.Count, fast.Count);
        for (int k = 0; k < fast.Count; k++)
        {
            Assert.Equal(k, fast[k].Mask.Count);
            double r = reference[k].TimePerBatchSeconds;
            Assert.True(Math.Abs(fast[k].TimePerBatchSeconds - r) <= 1e-12 * r, $"k={k}: fast {fast[k].TimePerBatchSeconds} reference {r}");
            double e = eval.TimePerBatchSeconds(fast[k].Mask);
            Assert.True(Math.Abs(e - fast[k].TimePerBatchSeconds) <= 1e-12 * e, $"k={k}: mask evaluates to {e}");
        }
        }
    }

    /// <summary>The pruned scan's break is exact, ties included: with no tree fallback the new DP returns the old
    /// DP's masks and times bit for bit.</summary>
    [Theory]
    [InlineData("resnet56", "deeptrain", 64)]
    [InlineData("resnet152", "isaac", 8)]
    public void PrunedScanReturnsTheOldDpsMasksExactly(string network, string arch, int batch)
    {
        var t = ModelTables.Build(Zoo.Resolve(network), ArchSpec.Load(arch), batch);
        var reference = PlacementDpCubic.Solve(t);
        var scan = PlacementDp.Solve(t, long.MaxValue);
        Assert.Equal(reference.Select(p => p.TimePerBatchSeconds), scan.Select(p => p.TimePerBatchSeconds));
        Assert.Equal(reference.Select(p => p.Mask), scan.Select(p => p.Mask));
    }

    /// <summary>200 seeded random chains of up to 12 sites (random width, image size, preset and batch; equal layers
    /// give tied candidates): the DP equals brute force over all 2^S masks for every k.</summary>
    [Fact]
    public void FastDpEqualsBruteForceOnRandomChains()
    {
        var rng = new Random(20261201);
        for (int trial = 0; trial < 200; trial++)
        {
            int convs = 1 + rng.Next(12);
            var specName = new[] { "deeptrain", "isaac", "pipelayer" }[rng.Next(3)];
            int batch = new[] { 1, 2, 16, 256 }[rng.Next(4)];
            var net = TestNetworks.Chain(convs, 8 << rng.Next(4), 16 << rng.Next(4));
            var t = ModelTables.Build(net, ArchSpec.Load(specName), batch);
            var eval = new ScalarEvaluator(t);
            int s = net.SiteCount;
            var best = Enumerable.Repeat(double.PositiveInfinity, s + 1).ToArray();
            for (ulong m = 0; m < 1UL << s; m++)
            {
                var mask = SiteMask.FromWords(s, [m]);
                best[mask.Count] = Math.Min(best[mask.Count], eval.TimePerBatchSeconds(mask));
            }
            foreach (long budget in new[] { -1L, 0L, long.MaxValue })
            {
            var dp = PlacementDp.Solve(t, budget);
            for (int k = 0; k <= s; k++)
                Assert.True(Math.Abs(dp[k].TimePerBatchSeconds - best[k]) <= 1e-12 * best[k], $"trial {trial} budget {budget} k={k}: dp {dp[k].TimePerBatchSeconds} brute {best[k]}");
            }
        }
    }
}
