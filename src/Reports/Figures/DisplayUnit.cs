using System.Globalization;

namespace DeepTrain.Reports.Figures;

/// <summary>
/// Picks one engineering prefix for a whole axis so tick numbers stay between about 0.1 and 1000:
/// seconds 0.0042 → ×1000, "ms". Values in records are SI base units; figures carry display units.
/// </summary>
public readonly record struct DisplayUnit(double Factor, string Unit)
{
    private static readonly (double Scale, string Prefix)[] Prefixes =
        [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")];

    /// <summary>Unit for values whose largest magnitude is <paramref name="max"/>. <paramref name="separate"/> puts a
    /// space between prefix and a word unit ("k images/s").</summary>
    public static DisplayUnit For(double max, string unit, bool separate = false)
    {
        double a = Math.Abs(max);
        if (!(a > 0) || double.IsInfinity(a)) return new(1, unit);
        foreach (var (scale, prefix) in Prefixes)
            if (a >= scale)
                return new(1 / scale, prefix.Length == 0 ? unit : separate ? $"{prefix} {unit}" : prefix + unit);
        return new(1e15, separate ? $"f {unit}" : "f" + unit);
    }

    public static DisplayUnit For(IEnumerable<double> values, string unit, bool separate = false)
    {
        double m = 0;
        foreach (var v in values) if (double.IsFinite(v)) m = Math.Max(m, Math.Abs(v));
        return For(m, unit, separate);
    }

    public double[] Apply(IEnumerable<double> values) { double f = Factor; return values.Select(v => v * f).ToArray(); }
    public double Apply(double v) => v * Factor;

    /// <summary>"1.23 ms"-style text for one value in this unit.</summary>
    public string Format(double v) => $"{Fmt.Sig(v * Factor)} {Unit}".TrimEnd();
}
