using System.Numerics;

namespace DeepTrain.Model.Search.Surrogates;

/// <summary>
/// Row-oriented (Cholesky–Crout) factorization K = L·Lᵀ with L stored as jagged rows (row i has i+1 entries).
/// Row i depends only on rows 0..i−1, so appending observations extends the factor row by row: the incremental
/// update performs exactly the operations of a full factorization and gives the same bits.
/// </summary>
public static class Cholesky
{
    /// <summary>Computes row <paramref name="i"/> of L from row i of K (entries 0..i, K row already including noise
    /// and jitter on the diagonal). Returns false when the pivot is not positive.</summary>
    public static bool FactorRow(double[][] l, int i, ReadOnlySpan<double> kRow)
    {
        var li = l[i];
        for (int j = 0; j < i; j++)
        {
            var lj = l[j];
            double s = kRow[j] - Dot(li.AsSpan(0, j), lj.AsSpan(0, j));
            li[j] = s / lj[j];
        }
        double d = kRow[i] - Dot(li.AsSpan(0, i), li.AsSpan(0, i));
        if (!(d > 0) || double.IsNaN(d)) return false;
        li[i] = Math.Sqrt(d);
        return true;
    }

    /// <summary>Row i of L⁻¹ (lower triangular), from rows 0..i−1 of L⁻¹: X_i = (e_i − Σ_{k&lt;i} L_ik X_k) / L_ii.</summary>
    public static void InverseRow(double[][] l, double[][] inv, int i)
    {
        var xi = inv[i];
        Array.Clear(xi, 0, i + 1);
        xi[i] = 1;
        var li = l[i];
        for (int k = 0; k < i; k++)
        {
            double c = -li[k];
            if (c == 0) continue;
            Axpy(c, inv[k].AsSpan(0, k + 1), xi.AsSpan(0, k + 1));
        }
        double r = 1 / li[i];
        for (int j = 0; j <= i; j++) xi[j] *= r;
    }

    /// <summary>Solves L·x = b in place (forward substitution).</summary>
    public static void SolveLower(double[][] l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
            b[i] = (b[i] - Dot(l[i].AsSpan(0, i), b[..i])) / l[i][i];
    }

    /// <summary>Solves Lᵀ·x = b in place (back substitution).</summary>
    public static void SolveUpper(double[][] l, int n, Span<double> b)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            double x = b[i] / l[i][i];
            b[i] = x;
            var li = l[i];
            for (int j = 0; j < i; j++) b[j] -= li[j] * x;
        }
    }

    /// <summary>Vectorized dot product (Vector&lt;double&gt; body, scalar tail).</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count * 2)
        {
            var acc0 = Vector<double>.Zero; var acc1 = Vector<double>.Zero;
            int w = Vector<double>.Count;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                acc0 += new Vector<double>(a.Slice(i, w)) * new Vector<double>(b.Slice(i, w));
                acc1 += new Vector<double>(a.Slice(i + w, w)) * new Vector<double>(b.Slice(i + w, w));
            }
            s = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>y += c·x.</summary>
    public static void Axpy(double c, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<double>.Count;
            var cv = new Vector<double>(c);
            for (; i + w <= n; i += w)
                (new Vector<double>(y.Slice(i, w)) + cv * new Vector<double>(x.Slice(i, w))).CopyTo(y.Slice(i, w));
        }
        for (; i < n; i++) y[i] += c * x[i];
    }
}
