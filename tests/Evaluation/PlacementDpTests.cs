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
