namespace DeepTrain.Model.Search.Surrogates;

/// <summary>
/// Small projected L-BFGS (memory 8) with backtracking (Armijo) line search, for maximizing a smooth function with a
/// gradient inside a box. Deterministic. Used for GP hyperparameters (a handful to ~60 parameters).
/// </summary>
public static class Lbfgs
{
    public delegate double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient);

    public static (double[] X, double Value) Maximize(ValueAndGradient f, double[] start, double[] lower, double[] upper,
                                                     int maxIterations, int memory = 8)
    {
        int p = start.Length;
        var x = (double[])start.Clone();
        var g = new double[p];
        double fx = f(x, g);
        if (!double.IsFinite(fx)) return (x, fx);
        var s = new List<double[]>(); var yv = new List<double[]>(); var rho = new List<double>();
        var d = new double[p]; var xn = new double[p]; var gn = new double[p];
        var alpha = new double[memory];
        for (int it = 0; it < maxIterations; it++)
        {
            // Two-loop recursion on the ascent problem (minimize −f): direction d = H·g.
            Array.Copy(g, d, p);
            for (int k = s.Count - 1; k >= 0; k--)
            {
                alpha[k] = rho[k] * Dot(s[k], d);
                for (int j = 0; j < p; j++) d[j] -= alpha[k] * -yv[k][j];
            }
            if (s.Count > 0)
            {
                var yl = yv[^1];
                double yy = Dot(yl, yl);
                double gamma = yy > 0 ? Dot(s[^1], yl) * -1 / yy : 1;
                if (gamma <= 0 || !double.IsFinite(gamma)) gamma = 1;
                for (int j = 0; j < p; j++) d[j] *= gamma;
            }
            else
            {
                double gmax = 0; foreach (var v in g) gmax = Math.Max(gmax, Math.Abs(v));
                double scale = gmax > 0 ? Math.Min(1, 1 / gmax) : 1;
                for (int j = 0; j < p; j++) d[j] *= scale;
            }
            for (int k = 0; k < s.Count; k++)
            {
                double beta = rho[k] * -Dot(yv[k], d);
                for (int j = 0; j < p; j++) d[j] += s[k][j] * (alpha[k] - beta);
            }
            // Keep ascent direction; otherwise fall back to the gradient.
            if (Dot(d, g) <= 0) { Array.Copy(g, d, p); s.Clear(); yv.Clear(); rho.Clear(); }
            double step = 1, fn = double.NegativeInfinity;
            bool accepted = false;
            for (int ls = 0; ls < 30; ls++)
            {
                for (int j = 0; j < p; j++) xn[j] = Math.Clamp(x[j] + step * d[j], lower[j], upper[j]);
                double dec = 0; for (int j = 0; j < p; j++) dec += g[j] * (xn[j] - x[j]);
                fn = f(xn, gn);
                if (double.IsFinite(fn) && fn >= fx + 1e-4 * dec) { accepted = true; break; }
                step *= 0.5;
            }
            if (!accepted) break;
            var sk = new double[p]; var yk = new double[p];
            for (int j = 0; j < p; j++) { sk[j] = xn[j] - x[j]; yk[j] = gn[j] - g[j]; }
            // Curvature of −f: s·(−y) must be positive.
            double sy = -Dot(sk, yk);
            if (sy > 1e-12)
            {
                if (s.Count == memory) { s.RemoveAt(0); yv.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); yv.Add(yk); rho.Add(1 / sy);
            }
            double improvement = fn - fx;
            Array.Copy(xn, x, p); Array.Copy(gn, g, p); fx = fn;
            double pg = 0;
            for (int j = 0; j < p; j++)
            {
                double gj = g[j];
                if ((x[j] <= lower[j] && gj < 0) || (x[j] >= upper[j] && gj > 0)) gj = 0;
                pg = Math.Max(pg, Math.Abs(gj));
            }
            if (pg < 1e-5 || improvement < 1e-9 * Math.Max(1, Math.Abs(fx))) break;
        }
        return (x, fx);
    }

    private static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
}
