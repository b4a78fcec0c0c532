using DeepTrain.Training.Kernels;

namespace DeepTrain.Tests.Training;

public class GemmTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new DeepTrain.Training.Rng((ulong)seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)r.Uniform(-1, 1);
        return a;
    }

    public static TheoryData<int, int, int> Sizes => new()
    {
        { 1, 1, 1 }, { 4, 32, 9 }, { 5, 33, 7 }, { 3, 15, 300 }, { 16, 256, 144 }, { 7, 17, 257 }, { 1, 8, 0 }, { 6, 31, 16 },
        { 9, 40, 17 }, { 4, 16, 8 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void EveryVectorPathMatchesTheReferenceOnAwkwardSizes(int m, int n, int k)
    {
        var a = Random(m * (k + 2), 1); var b = Random(Math.Max(k, 1) * (n + 3), 2);
        var bt = Random(n * (k + 1), 3);
        var seed = Random(m * (n + 1), 4);
        foreach (var path in new[] { SimdPath.Scalar, SimdPath.V256, SimdPath.V512 })
        {
            if (path == SimdPath.V512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) continue;
            foreach (bool acc in new[] { false, true })
            {
                var want = (float[])seed.Clone(); var got = (float[])seed.Clone();
                Gemm.NNReference(m, n, k, a, k + 2, b, n + 3, want, n + 1, acc);
                Gemm.NN(m, n, k, a, k + 2, b, n + 3, got, n + 1, acc, path);
                AssertClose(want, got, k, $"NN {path} acc={acc}");
                want = (float[])seed.Clone(); got = (float[])seed.Clone();
                Gemm.NTReference(m, n, k, a, k + 2, bt, k + 1, want, n + 1, acc);
                Gemm.NT(m, n, k, a, k + 2, bt, k + 1, got, n + 1, acc, path);
                AssertClose(want, got, k, $"NT {path} acc={acc}");
            }
        }
    }

    private static void AssertClose(float[] want, float[] got, int k, string what)
    {
        float tol = 1e-5f * (k + 4);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(want[i] - got[i]) <= tol, $"{what}: element {i} {got[i]} vs {want[i]}");
    }

    [Fact]
    public void RejectsMatricesThatDoNotFit() =>
        Assert.Throws<ArgumentException>(() => Gemm.NN(2, 2, 2, new float[3], 2, new float[4], 2, new float[4], 2, false));

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(7)] [InlineData(8)] [InlineData(9)] [InlineData(15)] [InlineData(16)] [InlineData(17)] [InlineData(33)]
    public void ReluBackwardAndScaleShiftHandleTails(int n)
    {
        var y = Random(n, 5); var dy = Random(n, 6); var dx = Random(n, 7);
        var want = (float[])dx.Clone();
        for (int i = 0; i < n; i++) if (y[i] > 0) want[i] += dy[i];
        DeepTrain.Training.Kernels.Simd.ReluBackwardAccumulate(y, dy, dx);
        Assert.Equal(want, dx);
        var fresh = new float[n];
        DeepTrain.Training.Kernels.Simd.ReluBackward(y, dy, fresh);
        for (int i = 0; i < n; i++) Assert.Equal(y[i] > 0 ? dy[i] : 0f, fresh[i]);
        var z = new float[n];
        DeepTrain.Training.Kernels.Simd.ScaleShift(y, 1.5f, -0.25f, z);
        for (int i = 0; i < n; i++) Assert.Equal(MathF.FusedMultiplyAdd(y[i], 1.5f, -0.25f), z[i]);
    }
}
