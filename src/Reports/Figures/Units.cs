namespace DeepTrain.Reports.Figures;

internal static class AxisUnits
{
    /// <summary>SI base units that take an engineering prefix on an axis.</summary>
    public static bool TakesPrefix(string unit) => unit is "s" or "J" or "W" or "Hz" or "B";

    public static DisplayUnit For(IEnumerable<double> values, string unit) =>
        TakesPrefix(unit) ? DisplayUnit.For(values, unit) : new DisplayUnit(1, unit);
}
