using System.Runtime.Intrinsics;

namespace DeepTrain.Training.Kernels;

/// <summary>Element-wise kernels not in TensorPrimitives: Vector512/Vector256 body, scalar tail.</summary>
internal static unsafe class Simd
{
    /// <summary>dx[i] += y[i] &gt; 0 ? dy[i] : 0 (ReLU backward from its output).</summary>
    public static void ReluBackwardAccumulate(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = y.Length;
        if (dy.Length < n || dx.Length < n) throw new ArgumentException("span lengths differ");
        fixed (float* py = y, pdy = dy, pdx = dx)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; i + 16 <= n; i += 16)
                {
                    var m = Vector512.GreaterThan(Vector512.Load(py + i), Vector512<float>.Zero);
                    (Vector512.Load(pdx + i) + (Vector512.Load(pdy + i) & m)).Store(pdx + i);
                }
            if (Vector256.IsHardwareAccelerated)
                for (; i + 8 <= n; i += 8)
                {
                    var m = Vector256.GreaterThan(Vector256.Load(py + i), Vector256<float>.Zero);
                    (Vector256.Load(pdx + i) + (Vector256.Load(pdy + i) & m)).Store(pdx + i);
                }
            for (; i < n; i++) if (py[i] > 0) pdx[i] += pdy[i];
        }
    }

    /// <summary>dx[i] = y[i] &gt; 0 ? dy[i] : 0.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = y.Length;
        if (dy.Length < n || dx.Length < n) throw new ArgumentException("span lengths differ");
        fixed (float* py = y, pdy = dy, pdx = dx)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; i + 16 <= n; i += 16)
                    (Vector512.Load(pdy + i) & Vector512.GreaterThan(Vector512.Load(py + i), Vector512<float>.Zero)).Store(pdx + i);
            if (Vector256.IsHardwareAccelerated)
                for (; i + 8 <= n; i += 8)
                    (Vector256.Load(pdy + i) & Vector256.GreaterThan(Vector256.Load(py + i), Vector256<float>.Zero)).Store(pdx + i);
            for (; i < n; i++) pdx[i] = py[i] > 0 ? pdy[i] : 0f;
        }
    }

    /// <summary>y[i] = x[i]·scale + shift.</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        int n = x.Length;
        if (y.Length < n) throw new ArgumentException("destination too short");
        fixed (float* px = x, py = y)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var a = Vector512.Create(scale); var b = Vector512.Create(shift);
                for (; i + 16 <= n; i += 16) Vector512.FusedMultiplyAdd(Vector512.Load(px + i), a, b).Store(py + i);
            }
            if (Vector256.IsHardwareAccelerated)
            {
                var a = Vector256.Create(scale); var b = Vector256.Create(shift);
                for (; i + 8 <= n; i += 8) Vector256.FusedMultiplyAdd(Vector256.Load(px + i), a, b).Store(py + i);
            }
            for (; i < n; i++) py[i] = MathF.FusedMultiplyAdd(px[i], scale, shift);
        }
    }
}
