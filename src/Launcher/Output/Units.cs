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
    /// <paramref name="digits"/> significant digits, e.g. 0.00123 s → "1.23 ms". A value that rounds up to 1000 takes
    /// the next prefix (0.0009996 s → "1.00 ms", not "1000 µs").</summary>
    public static string Eng(double value, string unit, int digits = 3) => EngCore(value, unit, digits, separate: false);

    /// <summary>Like <see cref="Eng"/> for word units, with a space after the prefix: 1234 → "1.23 k images/s".</summary>
    public static string Rate(double perSecond, string unit = "images/s", int digits = 3) => EngCore(perSecond, unit, digits, separate: true);

    private static string EngCore(double value, string unit, int digits, bool separate)
    {
        if (double.IsNaN(value)) return "n/a";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "-∞";
        if (value == 0) return $"0 {unit}".TrimEnd();
        double a = Math.Abs(value);
        int k = Prefixes.Length - 1;
        for (int i = 0; i < Prefixes.Length; i++)
            if (a >= Prefixes[i].Scale) { k = i; break; }
        // Rounding to `digits` may carry into the next prefix.
        if (k > 0 && Math.Abs(RoundSig(value / Prefixes[k].Scale, digits)) >= 1000) k--;
        var (scale, prefix) = Prefixes[k];
        string p = prefix.Length == 0 ? "" : separate ? prefix + " " : prefix;
        return $"{Sig(value / scale, digits)} {p}{unit}".TrimEnd();
    }

    private static double RoundSig(double v, int digits)
    {
        if (v == 0 || !double.IsFinite(v)) return v;
        int mag = (int)Math.Floor(Math.Log10(Math.Abs(v))) + 1;
        double f = Math.Pow(10, digits - mag);
        return Math.Round(v * f) / f;
    }

    /// <summary>Fixed-point text with <paramref name="digits"/> significant digits (no exponent):
    /// 1.234 → "1.23", 0.00123 → "0.00123", 12345 → "12345".</summary>
    public static string Sig(double v, int digits = 3)
    {
        if (!double.IsFinite(v)) return double.IsNaN(v) ? "n/a" : v > 0 ? "∞" : "-∞";
        double a = Math.Abs(v);
        int mag = a == 0 ? 1 : (int)Math.Floor(Math.Log10(a)) + 1;
        // A value that rounds up a decade (9.996 → 10.0) needs one decimal fewer.
        if (a != 0 && Math.Abs(RoundSig(a, digits)) >= Math.Pow(10, mag)) mag++;
        int decimals = Math.Clamp(digits - mag, 0, 15);
        return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    public static string Seconds(double s) => Eng(s, "s");
    public static string Joules(double j) => Eng(j, "J");
    public static string Watts(double w) => Eng(w, "W");
    public static string Bytes(double b) => Eng(b, "B");

    /// <summary>Training throughput, e.g. "1.23 k images/s".</summary>
    public static string ImagesPerSecond(double ips) => Rate(ips, "images/s");

    /// <summary>Area in mm² (the field's unit, 4 significant digits); below 0.01 mm² in µm² (an array is ~200 µm²).</summary>
    public static string SquareMillimetres(double mm2)
    {
        if (!double.IsFinite(mm2)) return Sig(mm2);
        if (mm2 != 0 && Math.Abs(mm2) < 0.01) return $"{Sig(mm2 * 1e6, 3)} µm²";
        return $"{Sig(mm2, 4)} mm²";
    }

    /// <summary>Counts: exact below 1000 ("17"), else k/M/G with 3 digits (25557032 → "25.6 M").</summary>
    public static string Count(double n) =>
        Math.Abs(n) < 1000 && n == Math.Floor(n) ? n.ToString("F0", CultureInfo.InvariantCulture) : Eng(n, "");

    public static string Ratio(double r) => $"{Sig(r, 3)}×";

    public static string Percent(double p) => $"{p.ToString("F2", CultureInfo.InvariantCulture)} %";
}
