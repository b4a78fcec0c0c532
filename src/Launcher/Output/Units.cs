using System.Globalization;

namespace DeepTrain.Launcher.Output;

/// <summary>Numbers with units and engineering prefixes for humans (JSON output stays in SI base units).</summary>
public static class Units
{
    private static readonly (double Scale, string Prefix)[] Prefixes =
    [
        (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f"),
    ];

    /// <summary>Formats <paramref name="value"/> (in base unit <paramref name="unit"/>) with an engineering prefix and
    /// <paramref name="digits"/> significant digits, e.g. 0.00123 s → "1.23 ms".</summary>
    public static string Eng(double value, string unit, int digits = 3)
    {
        if (double.IsNaN(value)) return "n/a";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "-∞";
        if (value == 0) return $"0 {unit}";
        double a = Math.Abs(value);
        foreach (var (scale, prefix) in Prefixes)
        {
            if (a >= scale * 0.9995 || scale == 1e-15)
            {
                double v = value / scale;
                return $"{Sig(v, digits)} {prefix}{unit}";
            }
        }
        return $"{Sig(value, digits)} {unit}";
    }

    /// <summary>Significant-digit formatting without exponent for |v| in [1, 1000).</summary>
    public static string Sig(double v, int digits = 3)
    {
        double a = Math.Abs(v);
        int intDigits = a < 1 ? 1 : (int)Math.Floor(Math.Log10(a)) + 1;
        int decimals = Math.Max(0, digits - intDigits);
        return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    public static string Seconds(double s) => Eng(s, "s");
    public static string Joules(double j) => Eng(j, "J");
    public static string Watts(double w) => Eng(w, "W");

    /// <summary>Area in mm² (no prefix scaling: mm² is the field's unit).</summary>
    public static string SquareMillimetres(double mm2) => $"{Sig(mm2, 4)} mm²";

    /// <summary>Large counts with k/M/G suffix, e.g. 25557032 → "25.6 M".</summary>
    public static string Count(double n) => Eng(n, "").TrimEnd();

    public static string Ratio(double r) => $"{Sig(r, 3)}×";

    public static string Percent(double p) => $"{p.ToString("F2", CultureInfo.InvariantCulture)} %";
}
