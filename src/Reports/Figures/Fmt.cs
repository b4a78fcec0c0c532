using System.Globalization;

namespace DeepTrain.Reports.Figures;

/// <summary>Human-readable numbers for report tables and captions (3 significant digits, engineering prefix).</summary>
public static class Fmt
{
    public static string Eng(double v, string unit, bool separate = false)
    {
        if (double.IsNaN(v)) return "n/a";
        if (double.IsInfinity(v)) return v > 0 ? "∞" : "-∞";
        if (v == 0) return $"0 {unit}".TrimEnd();
        var u = DisplayUnit.For(v, unit, separate);
        double x = u.Apply(v);
        if (Math.Abs(Math.Round(x, Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(x)))))) >= 1000)
            u = DisplayUnit.For(v * 1.001, unit, separate); // rounds into the next prefix
        return $"{Sig(u.Apply(v))} {u.Unit}".TrimEnd();
    }

    internal static string Sig(double x)
    {
        double a = Math.Abs(x);
        int mag = a == 0 ? 1 : (int)Math.Floor(Math.Log10(a)) + 1;
        if (a != 0 && Math.Abs(Math.Round(a, Math.Clamp(3 - mag, 0, 15))) >= Math.Pow(10, mag)) mag++;
        return x.ToString("F" + Math.Clamp(3 - mag, 0, 15), CultureInfo.InvariantCulture);
    }

    public static string Seconds(double s) => Eng(s, "s");
    public static string Joules(double j) => Eng(j, "J");
    public static string Watts(double w) => Eng(w, "W");
    public static string Rate(double ips) => Eng(ips, "images/s", separate: true);
    public static string Number(double v) => Eng(v, "");
}
