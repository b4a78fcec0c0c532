using DeepTrain.Model.Hardware;
using DeepTrain.Model.Mapping;
using DeepTrain.Model.Pipeline;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Support;

namespace DeepTrain.Tests.Pipeline;

public class MappingTests
{
    private static Network OneConv(int cin, int cout, int k, int size, int stride = 1, int groups = 1)
    {
        var outS = new Shape(cout, size / stride, size / stride);
        var layers = new List<Layer>
        {
            new() { Name = "c", Kind = LayerKind.Convolution, Inputs = [-1], Input = new Shape(cin, size, size), Output = outS,
                    KernelHeight = k, KernelWidth = k, Stride = stride, Padding = k / 2, Groups = groups },
            new() { Name = "c2", Kind = LayerKind.Convolution, Inputs = [0], Input = outS, Output = outS, KernelHeight = k, KernelWidth = k,
                    Padding = k / 2, Groups = groups },
        };
        return new Network("one", "test", 10, new Shape(cin, size, size), layers, [new NormSite(0, 0, outS)], true);
    }

    [Fact]
    public void BitSlicedCrossbarCountsFollowTheFormula()
    {
        // 3×3×64 → 64 on ISAAC: fan-in 576 → ⌈576/128⌉ = 5 row blocks; 64 outputs × 8 slices = 512 columns → 4.
        var m = CrossbarMapper.Map(OneConv(64, 64, 3, 8), ArchSpec.Load("isaac"), 64).Layers[1];
        Assert.Equal(20, m.CrossbarsForward);
        Assert.Equal(20, m.CrossbarsBackward);
        Assert.Equal(64, m.MvmsForward);
        Assert.Equal(64, m.MvmsBackward);
        Assert.Equal(576L * 64 * 8, m.CellsPerCopy);
        // 4-bit cells (PipeLayer): 256 columns → 2 blocks.
        Assert.Equal(10, CrossbarMapper.Map(OneConv(64, 64, 3, 8), ArchSpec.Load("pipelayer"), 64).Layers[1].CrossbarsForward);
    }

    [Fact]
    public void TransposedCopyHasSwappedFanInAndOut()
    {
        // 1×1, 16 → 256: forward fan-in 16 (1 block) × 256·8/128 = 16 → 16; transposed fan-in 256 (2) × 16·8/128 (1) → 2.
        var m = CrossbarMapper.Map(OneConv(16, 256, 1, 4), ArchSpec.Load("isaac"), 64).Layers[0];
        Assert.Equal(16, m.CrossbarsForward);
        Assert.Equal(2, m.CrossbarsBackward);
        Assert.False(m.NeedsBackwardError);
    }

    [Fact]
    public void GroupsMapSeparately()
    {
        var m = CrossbarMapper.Map(OneConv(64, 64, 3, 8, groups: 64), ArchSpec.Load("isaac"), 64).Layers[1];
        Assert.Equal(64, m.CrossbarsForward); // 64 groups × ⌈9/128⌉ × ⌈8/128⌉
    }

    [Fact]
    public void ReplicationStaysWithinTheBudgetAndShortensTheSlowestStage()
    {
        var rng = new Random(7);
        foreach (var arch in new[] { "isaac", "pipelayer", "deeptrain" })
            for (int i = 0; i < 20; i++)
            {
                var net = TestNetworks.Random(rng);
                var spec = ArchSpec.Load(arch);
                var map = CrossbarMapper.Map(net, spec, 64);
                Assert.True(map.CrossbarsUsed <= map.CrossbarsAvailable);
                Assert.True(map.CrossbarsOneCopy <= map.CrossbarsAvailable);
                var p = new TrainingPipeline(net, spec, 8);
                double unreplicated = map.Layers.Max(m => m.MvmsForward) * spec.MvmSeconds;
                Assert.True(p.ForwardSeconds.Max() <= unreplicated);
            }
    }

    [Fact]
    public void ReplicationPaysForItsRewritesAndGrowsWithBatch()
    {
        var spec = ArchSpec.Load("deeptrain");
        var net = TestNetworks.Chain(20, 16, 32);
        var small = CrossbarMapper.Map(net, spec, 2);
        var large = CrossbarMapper.Map(net, spec, 1024);
        Assert.True(large.CrossbarsUsed >= small.CrossbarsUsed);
        Assert.True(large.CrossbarsUsed > large.CrossbarsOneCopy);
        // Replication must lower the no-barrier batch time compared with single copies.
        var p = new TrainingPipeline(net, spec, 1024);
        double one = p.Mapping.Layers.Sum(m => (double)m.MvmsForward + Math.Max(m.NeedsBackwardError ? m.MvmsBackward : 0, m.MvmsGradient)) * spec.MvmSeconds
                     + 1023 * p.Mapping.Layers.Max(m => Math.Max(m.MvmsForward, m.MvmsBackward)) * spec.MvmSeconds;
        double replicated = p.ForwardSeconds.Sum() + p.BackwardSeconds.Sum() + 1023 * Math.Max(p.ForwardSeconds.Max(), p.BackwardSeconds.Max()) + p.Update.Seconds;
        Assert.True(replicated < one, $"{replicated} vs {one}");
    }

    [Fact]
    public void NetworksLargerThanAChipScaleOutToMoreChips()
    {
        var spec = ArchSpec.Load("isaac");
        var big = TestNetworks.Chain(30, 256, 16); // ~ 30 × 3×3×1024² weights at the widest stage
        var map = CrossbarMapper.Map(big, spec, 64);
        Assert.True(map.Chips > 1);
        Assert.Equal(map.Chips * spec.CrossbarsPerChip, map.CrossbarsAvailable);
        var p = new TrainingPipeline(big, spec, 8);
        Assert.Equal(map.Chips * new ArchTotals(spec).AreaMm2, p.AreaMm2, 9);
    }

    [Fact]
    public void SiteSpillsToDramOnlyWhenTheBatchExceedsTheBuffers()
    {
        var spec = ArchSpec.Load("deeptrain");
        var site = new NormSite(0, 0, new Shape(16, 8, 8)); // 1024 values × 2 B = 2 KB per image
        Assert.Equal(0, NormSiteCost.For(site, 64, spec).SpillBytes);
        var big = new NormSite(0, 0, new Shape(64, 112, 112));
        var c = NormSiteCost.For(big, 64, spec);
        Assert.Equal(64.0 * 64 * 112 * 112 * 2 - 16 * 262144, c.SpillBytes);
        Assert.True(c.SpillSeconds > 0);
        // ISAAC has no NUs: everything goes off-chip, no NU time.
        var off = NormSiteCost.For(big, 64, ArchSpec.Load("isaac"));
        Assert.Equal(0, off.NormUnitSeconds);
        Assert.Equal(4 * 64.0 * 64 * 112 * 112 * 2 / 25.6e9, off.TransferSeconds, 12);
    }

    [Fact]
    public void WeightUpdateWritesEveryForwardAndTransposedCell()
    {
        var spec = ArchSpec.Load("isaac");
        var net = OneConv(64, 64, 3, 8);
        var map = CrossbarMapper.Map(net, spec, 64);
        var u = WeightUpdate.For(map, spec);
        double cells = map.Layers.Sum(m => (double)m.CellsPerCopy * (m.ReplicationForward + (m.NeedsBackwardError ? m.ReplicationBackward : 0)));
        Assert.Equal(cells, u.CellsWritten);
        Assert.Equal(cells * 3.91e-9, u.Joules, 12);
        Assert.Equal(Math.Max(128 * 50.88e-9, cells * 3.91e-9 / (new ArchTotals(spec).PeakPowerWatts * map.Chips)), u.Seconds, 15);
        Assert.Equal(1e11, u.LifetimeBatches);
    }
}
