using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Support;

namespace DeepTrain.Tests.Simd;

/// <summary>The vectorized evaluator against the scalar reference on awkward lane counts and site counts.</summary>
public class MaskBatchEvaluatorTests
{
    private static void Compare(Network net, string arch, int batch, int count, int width, int strideExtra, int seed)
    {
        var t = ModelTables.Build(net, ArchSpec.Load(arch), batch);
        var scalar = new ScalarEvaluator(t);
        var vec = new MaskBatchEvaluator(t);
        int words = t.WordsPerMask, stride = words + strideExtra;
        var rng = new Random(seed);
        var packed = new ulong[Math.Max(1, count * stride)];
        var masks = new SiteMask[count];
        for (int m = 0; m < count; m++)
        {
            masks[m] = m switch { 0 => SiteMask.All(net.SiteCount), 1 => SiteMask.None(net.SiteCount), _ => TestNetworks.RandomMask(rng, net.SiteCount) };
            masks[m].Words.CopyTo(packed.AsSpan(m * stride));
            for (int k = words; k < stride; k++) packed[m * stride + k] = ulong.MaxValue; // padding must be ignored
        }
        var time = new double[count + 1]; var energy = new double[count + 1];
        time[count] = -7; energy[count] = -7;
        vec.Evaluate(packed, stride, count, time, energy, width);
        for (int m = 0; m < count; m++)
        {
            double rt = scalar.TimePerBatchSeconds(masks[m]);
            double re = scalar.EnergyPerImageJoules(masks[m].Words);
            Assert.True(Math.Abs(time[m] - rt) <= 1e-9 * rt, $"{net.Name} w{width} mask {m}: time {time[m]} vs {rt}");
            Assert.True(Math.Abs(energy[m] - re) <= 1e-9 * re, $"{net.Name} w{width} mask {m}: energy {energy[m]} vs {re}");
        }
        Assert.Equal(-7, time[count]);
        Assert.Equal(-7, energy[count]);
    }

    public static IEnumerable<object[]> Cases()
    {
        // Site counts 1, 7, 63, 64, 65, 130 (word boundaries); lane counts 0, 1, widths ± 1.
        int[] convs = [1, 7, 63, 64, 65, 130];
        int[] counts = [0, 1, 3, 4, 5, 7, 8, 9, 17];
        int[] widths = [1, 4, 8];
        foreach (int c in convs)
            foreach (int w in widths)
                foreach (int n in counts)
                    yield return [c, w, n];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VectorMatchesScalarOnAwkwardCounts(int convs, int width, int count) =>
        Compare(TestNetworks.Chain(convs, 8, 16), "deeptrain", 32, count, width, convs % 2, convs * 100 + count);

    [Theory]
    [InlineData("isaac", 64)]
    [InlineData("pipelayer", 1)]
    [InlineData("deeptrain", 256)]
    public void VectorMatchesScalarOnThousandsOfRandomMasks(string arch, int batch)
    {
        foreach (int w in new[] { 1, 4, 8 })
            Compare(TestNetworks.Chain(40, 16, 32), arch, batch, 3001, w, 0, 42 + w);
    }

    [Fact]
    public void ReportsAPreferredWidth() => Assert.Contains(MaskBatchEvaluator.PreferredWidth, new[] { 1, 4, 8 });

    [Fact]
    public void DefaultPathMatchesScalar() => Compare(TestNetworks.Chain(53, 16, 32), "deeptrain", 64, 1000, MaskBatchEvaluator.PreferredWidth, 0, 5);

    [Fact]
    public void AllocatesNothingPerCall()
    {
        var t = ModelTables.Build(TestNetworks.Chain(53, 16, 32), ArchSpec.Load("deeptrain"), 64);
        var vec = new MaskBatchEvaluator(t);
        var masks = new ulong[1000 * t.WordsPerMask];
        var rng = new Random(1);
        for (int i = 0; i < masks.Length; i++) masks[i] = (ulong)rng.NextInt64();
        var time = new double[1000]; var energy = new double[1000];
        vec.Evaluate(masks, t.WordsPerMask, 1000, time, energy);
        long before = GC.GetAllocatedBytesForCurrentThread();
        vec.Evaluate(masks, t.WordsPerMask, 1000, time, energy);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
