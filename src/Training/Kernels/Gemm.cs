using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepTrain.Training.Kernels;

/// <summary>Vector width the matrix kernels may use (tests force the narrower paths).</summary>
internal enum SimdPath { Scalar, V256, V512 }

/// <summary>
/// Single-precision matrix products for convolution and linear layers, row-major, with leading dimensions.
/// <see cref="NN"/>: C (+)= A·B, register-blocked 4 rows × 32/16/8 columns, K blocked so a B panel stays in L1.
/// <see cref="NT"/>: C (+)= A·Bᵀ, 4×4 blocks of dot products along the contiguous K axis.
/// Both pick Vector512 or Vector256 at run time with a scalar tail; the scalar versions define the truth in tests.
/// No allocation: row tails point unused rows at a per-thread zero row and scratch row.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>The widest path this machine accelerates.</summary>
    public static readonly SimdPath Best =
        Vector512.IsHardwareAccelerated ? SimdPath.V512 : Vector256.IsHardwareAccelerated ? SimdPath.V256 : SimdPath.Scalar;

    /// <summary>K panel height: 256 rows × 32 columns × 4 B = 32 KiB of B per panel.</summary>
    private const int KBlock = 256;

    [ThreadStatic] private static float[]? _zeros;
    [ThreadStatic] private static float[]? _sink;

    private static float[] Zeros(int n)
    {
        var z = _zeros;
        if (z is null || z.Length < n) _zeros = z = new float[Math.Max(n, 1024)];
        return z;
    }

    private static float[] Sink(int n)
    {
        var s = _sink;
        if (s is null || s.Length < n) _sink = s = new float[Math.Max(n, 1024)];
        return s;
    }

    /// <summary>C[M×N] = (accumulate ? C : 0) + A[M×K]·B[K×N].</summary>
    public static void NN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                          Span<float> c, int ldc, bool accumulate) =>
        NN(m, n, k, a, lda, b, ldb, c, ldc, accumulate, Best);

    public static void NN(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                          Span<float> c, int ldc, bool accumulate, SimdPath path)
    {
        if (m == 0 || n == 0) return;
        CheckSizes(m, k, lda, a.Length, "A"); CheckSizes(k, n, ldb, b.Length, "B"); CheckSizes(m, n, ldc, c.Length, "C");
        if (!accumulate)
            for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
        if (k == 0) return;
        float[] zeros = Zeros(KBlock);
        float[] sink = Sink(n);
        fixed (float* pa = a, pb = b, pc = c, pz = zeros, ps = sink)
        {
            for (int k0 = 0; k0 < k; k0 += KBlock)
            {
                int kb = Math.Min(KBlock, k - k0);
                for (int i0 = 0; i0 < m; i0 += 4)
                {
                    int rows = Math.Min(4, m - i0);
                    float* a0 = pa + (long)i0 * lda + k0;
                    float* a1 = rows > 1 ? a0 + lda : pz;
                    float* a2 = rows > 2 ? a0 + 2L * lda : pz;
                    float* a3 = rows > 3 ? a0 + 3L * lda : pz;
                    float* c0 = pc + (long)i0 * ldc;
                    float* c1 = rows > 1 ? c0 + ldc : ps;
                    float* c2 = rows > 2 ? c0 + 2L * ldc : ps;
                    float* c3 = rows > 3 ? c0 + 3L * ldc : ps;
                    float* bk = pb + (long)k0 * ldb;
                    int j = 0;
                    if (path == SimdPath.V512)
                        for (; j + 32 <= n; j += 32) Kernel512x2(kb, a0, a1, a2, a3, bk + j, ldb, c0 + j, c1 + j, c2 + j, c3 + j);
                    if (path != SimdPath.Scalar)
                    {
                        for (; j + 16 <= n; j += 16) Kernel256x2(kb, a0, a1, a2, a3, bk + j, ldb, c0 + j, c1 + j, c2 + j, c3 + j);
                        for (; j + 8 <= n; j += 8) Kernel256x1(kb, a0, a1, a2, a3, bk + j, ldb, c0 + j, c1 + j, c2 + j, c3 + j);
                    }
                    for (; j < n; j++)
                    {
                        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                        float* bj = bk + j;
                        for (int p = 0; p < kb; p++)
                        {
                            float bv = bj[(long)p * ldb];
                            s0 += a0[p] * bv; s1 += a1[p] * bv; s2 += a2[p] * bv; s3 += a3[p] * bv;
                        }
                        c0[j] += s0; c1[j] += s1; c2[j] += s2; c3[j] += s3;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512x2(int kb, float* a0, float* a1, float* a2, float* a3, float* b, int ldb,
                                    float* c0, float* c1, float* c2, float* c3)
    {
        var x00 = Vector512.Load(c0); var x01 = Vector512.Load(c0 + 16);
        var x10 = Vector512.Load(c1); var x11 = Vector512.Load(c1 + 16);
        var x20 = Vector512.Load(c2); var x21 = Vector512.Load(c2 + 16);
        var x30 = Vector512.Load(c3); var x31 = Vector512.Load(c3 + 16);
        for (int p = 0; p < kb; p++)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16);
            b += ldb;
            var v = Vector512.Create(a0[p]); x00 = Vector512.FusedMultiplyAdd(v, b0, x00); x01 = Vector512.FusedMultiplyAdd(v, b1, x01);
            v = Vector512.Create(a1[p]); x10 = Vector512.FusedMultiplyAdd(v, b0, x10); x11 = Vector512.FusedMultiplyAdd(v, b1, x11);
            v = Vector512.Create(a2[p]); x20 = Vector512.FusedMultiplyAdd(v, b0, x20); x21 = Vector512.FusedMultiplyAdd(v, b1, x21);
            v = Vector512.Create(a3[p]); x30 = Vector512.FusedMultiplyAdd(v, b0, x30); x31 = Vector512.FusedMultiplyAdd(v, b1, x31);
        }
        x00.Store(c0); x01.Store(c0 + 16); x10.Store(c1); x11.Store(c1 + 16);
        x20.Store(c2); x21.Store(c2 + 16); x30.Store(c3); x31.Store(c3 + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256x2(int kb, float* a0, float* a1, float* a2, float* a3, float* b, int ldb,
                                    float* c0, float* c1, float* c2, float* c3)
    {
        var x00 = Vector256.Load(c0); var x01 = Vector256.Load(c0 + 8);
        var x10 = Vector256.Load(c1); var x11 = Vector256.Load(c1 + 8);
        var x20 = Vector256.Load(c2); var x21 = Vector256.Load(c2 + 8);
        var x30 = Vector256.Load(c3); var x31 = Vector256.Load(c3 + 8);
        for (int p = 0; p < kb; p++)
        {
            var b0 = Vector256.Load(b); var b1 = Vector256.Load(b + 8);
            b += ldb;
            var v = Vector256.Create(a0[p]); x00 = Vector256.FusedMultiplyAdd(v, b0, x00); x01 = Vector256.FusedMultiplyAdd(v, b1, x01);
            v = Vector256.Create(a1[p]); x10 = Vector256.FusedMultiplyAdd(v, b0, x10); x11 = Vector256.FusedMultiplyAdd(v, b1, x11);
            v = Vector256.Create(a2[p]); x20 = Vector256.FusedMultiplyAdd(v, b0, x20); x21 = Vector256.FusedMultiplyAdd(v, b1, x21);
            v = Vector256.Create(a3[p]); x30 = Vector256.FusedMultiplyAdd(v, b0, x30); x31 = Vector256.FusedMultiplyAdd(v, b1, x31);
        }
        x00.Store(c0); x01.Store(c0 + 8); x10.Store(c1); x11.Store(c1 + 8);
        x20.Store(c2); x21.Store(c2 + 8); x30.Store(c3); x31.Store(c3 + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256x1(int kb, float* a0, float* a1, float* a2, float* a3, float* b, int ldb,
                                    float* c0, float* c1, float* c2, float* c3)
    {
        var x0 = Vector256.Load(c0); var x1 = Vector256.Load(c1); var x2 = Vector256.Load(c2); var x3 = Vector256.Load(c3);
        for (int p = 0; p < kb; p++)
        {
            var b0 = Vector256.Load(b);
            b += ldb;
            x0 = Vector256.FusedMultiplyAdd(Vector256.Create(a0[p]), b0, x0);
            x1 = Vector256.FusedMultiplyAdd(Vector256.Create(a1[p]), b0, x1);
            x2 = Vector256.FusedMultiplyAdd(Vector256.Create(a2[p]), b0, x2);
            x3 = Vector256.FusedMultiplyAdd(Vector256.Create(a3[p]), b0, x3);
        }
        x0.Store(c0); x1.Store(c1); x2.Store(c2); x3.Store(c3);
    }

    /// <summary>C[M×N] = (accumulate ? C : 0) + A[M×K]·B[N×K]ᵀ (rows of A and B are contiguous along K).</summary>
    public static void NT(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                          Span<float> c, int ldc, bool accumulate) =>
        NT(m, n, k, a, lda, b, ldb, c, ldc, accumulate, Best);

    public static void NT(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                          Span<float> c, int ldc, bool accumulate, SimdPath path)
    {
        if (m == 0 || n == 0) return;
        CheckSizes(m, k, lda, a.Length, "A"); CheckSizes(n, k, ldb, b.Length, "B"); CheckSizes(m, n, ldc, c.Length, "C");
        if (!accumulate)
            for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
        if (k == 0) return;
        float* acc = stackalloc float[16];
        fixed (float* pa = a, pb = b, pc = c)
        {
            for (int i0 = 0; i0 < m; i0 += 4)
            {
                int rows = Math.Min(4, m - i0);
                for (int j0 = 0; j0 < n; j0 += 4)
                {
                    int cols = Math.Min(4, n - j0);
                    if (rows == 4 && cols == 4)
                    {
                        DotBlock4x4(k, pa + (long)i0 * lda, lda, pb + (long)j0 * ldb, ldb, acc, path);
                        for (int r = 0; r < 4; r++)
                        {
                            float* cr = pc + (long)(i0 + r) * ldc + j0;
                            cr[0] += acc[r * 4]; cr[1] += acc[r * 4 + 1]; cr[2] += acc[r * 4 + 2]; cr[3] += acc[r * 4 + 3];
                        }
                    }
                    else
                    {
                        for (int r = 0; r < rows; r++)
                            for (int q = 0; q < cols; q++)
                                pc[(long)(i0 + r) * ldc + j0 + q] += Dot(pa + (long)(i0 + r) * lda, pb + (long)(j0 + q) * ldb, k, path);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock4x4(int k, float* a, int lda, float* b, int ldb, float* acc, SimdPath path)
    {
        float* a0 = a, a1 = a + lda, a2 = a + 2L * lda, a3 = a + 3L * lda;
        float* b0 = b, b1 = b + ldb, b2 = b + 2L * ldb, b3 = b + 3L * ldb;
        int p = 0;
        for (int i = 0; i < 16; i++) acc[i] = 0;
        if (path == SimdPath.V512 && k >= 16)
        {
            Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default,
                             s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
            for (; p + 16 <= k; p += 16)
            {
                var y0 = Vector512.Load(b0 + p); var y1 = Vector512.Load(b1 + p); var y2 = Vector512.Load(b2 + p); var y3 = Vector512.Load(b3 + p);
                var x = Vector512.Load(a0 + p);
                s00 = Vector512.FusedMultiplyAdd(x, y0, s00); s01 = Vector512.FusedMultiplyAdd(x, y1, s01); s02 = Vector512.FusedMultiplyAdd(x, y2, s02); s03 = Vector512.FusedMultiplyAdd(x, y3, s03);
                x = Vector512.Load(a1 + p);
                s10 = Vector512.FusedMultiplyAdd(x, y0, s10); s11 = Vector512.FusedMultiplyAdd(x, y1, s11); s12 = Vector512.FusedMultiplyAdd(x, y2, s12); s13 = Vector512.FusedMultiplyAdd(x, y3, s13);
                x = Vector512.Load(a2 + p);
                s20 = Vector512.FusedMultiplyAdd(x, y0, s20); s21 = Vector512.FusedMultiplyAdd(x, y1, s21); s22 = Vector512.FusedMultiplyAdd(x, y2, s22); s23 = Vector512.FusedMultiplyAdd(x, y3, s23);
                x = Vector512.Load(a3 + p);
                s30 = Vector512.FusedMultiplyAdd(x, y0, s30); s31 = Vector512.FusedMultiplyAdd(x, y1, s31); s32 = Vector512.FusedMultiplyAdd(x, y2, s32); s33 = Vector512.FusedMultiplyAdd(x, y3, s33);
            }
            acc[0] = Vector512.Sum(s00); acc[1] = Vector512.Sum(s01); acc[2] = Vector512.Sum(s02); acc[3] = Vector512.Sum(s03);
            acc[4] = Vector512.Sum(s10); acc[5] = Vector512.Sum(s11); acc[6] = Vector512.Sum(s12); acc[7] = Vector512.Sum(s13);
            acc[8] = Vector512.Sum(s20); acc[9] = Vector512.Sum(s21); acc[10] = Vector512.Sum(s22); acc[11] = Vector512.Sum(s23);
            acc[12] = Vector512.Sum(s30); acc[13] = Vector512.Sum(s31); acc[14] = Vector512.Sum(s32); acc[15] = Vector512.Sum(s33);
        }
        if (path != SimdPath.Scalar && k - p >= 8)
        {
            Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default,
                             s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
            for (; p + 8 <= k; p += 8)
            {
                var y0 = Vector256.Load(b0 + p); var y1 = Vector256.Load(b1 + p); var y2 = Vector256.Load(b2 + p); var y3 = Vector256.Load(b3 + p);
                var x = Vector256.Load(a0 + p);
                s00 = Vector256.FusedMultiplyAdd(x, y0, s00); s01 = Vector256.FusedMultiplyAdd(x, y1, s01); s02 = Vector256.FusedMultiplyAdd(x, y2, s02); s03 = Vector256.FusedMultiplyAdd(x, y3, s03);
                x = Vector256.Load(a1 + p);
                s10 = Vector256.FusedMultiplyAdd(x, y0, s10); s11 = Vector256.FusedMultiplyAdd(x, y1, s11); s12 = Vector256.FusedMultiplyAdd(x, y2, s12); s13 = Vector256.FusedMultiplyAdd(x, y3, s13);
                x = Vector256.Load(a2 + p);
                s20 = Vector256.FusedMultiplyAdd(x, y0, s20); s21 = Vector256.FusedMultiplyAdd(x, y1, s21); s22 = Vector256.FusedMultiplyAdd(x, y2, s22); s23 = Vector256.FusedMultiplyAdd(x, y3, s23);
                x = Vector256.Load(a3 + p);
                s30 = Vector256.FusedMultiplyAdd(x, y0, s30); s31 = Vector256.FusedMultiplyAdd(x, y1, s31); s32 = Vector256.FusedMultiplyAdd(x, y2, s32); s33 = Vector256.FusedMultiplyAdd(x, y3, s33);
            }
            acc[0] += Vector256.Sum(s00); acc[1] += Vector256.Sum(s01); acc[2] += Vector256.Sum(s02); acc[3] += Vector256.Sum(s03);
            acc[4] += Vector256.Sum(s10); acc[5] += Vector256.Sum(s11); acc[6] += Vector256.Sum(s12); acc[7] += Vector256.Sum(s13);
            acc[8] += Vector256.Sum(s20); acc[9] += Vector256.Sum(s21); acc[10] += Vector256.Sum(s22); acc[11] += Vector256.Sum(s23);
            acc[12] += Vector256.Sum(s30); acc[13] += Vector256.Sum(s31); acc[14] += Vector256.Sum(s32); acc[15] += Vector256.Sum(s33);
        }
        for (; p < k; p++)
        {
            float x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
            float y0 = b0[p], y1 = b1[p], y2 = b2[p], y3 = b3[p];
            acc[0] += x0 * y0; acc[1] += x0 * y1; acc[2] += x0 * y2; acc[3] += x0 * y3;
            acc[4] += x1 * y0; acc[5] += x1 * y1; acc[6] += x1 * y2; acc[7] += x1 * y3;
            acc[8] += x2 * y0; acc[9] += x2 * y1; acc[10] += x2 * y2; acc[11] += x2 * y3;
            acc[12] += x3 * y0; acc[13] += x3 * y1; acc[14] += x3 * y2; acc[15] += x3 * y3;
        }
    }

    private static float Dot(float* x, float* y, int k, SimdPath path)
    {
        int p = 0;
        float s = 0;
        if (path == SimdPath.V512 && k >= 16)
        {
            Vector512<float> v = default;
            for (; p + 16 <= k; p += 16) v = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(y + p), v);
            s = Vector512.Sum(v);
        }
        if (path != SimdPath.Scalar && k - p >= 8)
        {
            Vector256<float> v = default;
            for (; p + 8 <= k; p += 8) v = Vector256.FusedMultiplyAdd(Vector256.Load(x + p), Vector256.Load(y + p), v);
            s += Vector256.Sum(v);
        }
        for (; p < k; p++) s += x[p] * y[p];
        return s;
    }

    private static void CheckSizes(int rows, int cols, int ld, int length, string name)
    {
        if (rows > 0 && cols > 0 && (ld < cols || (long)(rows - 1) * ld + cols > length))
            throw new ArgumentException($"matrix {name}: {rows}×{cols} with leading dimension {ld} does not fit {length} elements");
    }

    /// <summary>Reference C (+)= A·B in double accumulation (tests only).</summary>
    public static void NNReference(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                                   Span<float> c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = accumulate ? c[i * ldc + j] : 0;
                for (int p = 0; p < k; p++) s += (double)a[i * lda + p] * b[p * ldb + j];
                c[i * ldc + j] = (float)s;
            }
    }

    /// <summary>Reference C (+)= A·Bᵀ in double accumulation (tests only).</summary>
    public static void NTReference(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
                                   Span<float> c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = accumulate ? c[i * ldc + j] : 0;
                for (int p = 0; p < k; p++) s += (double)a[i * lda + p] * b[j * ldb + p];
                c[i * ldc + j] = (float)s;
            }
    }
}
