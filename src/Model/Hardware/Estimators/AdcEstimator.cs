namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Analog-to-digital converters shared by an array's columns. Energy per conversion = unit power / sample rate;
/// every column of every active array is converted once per crossbar cycle (each input bit, each weight slice:
/// a 16-bit weight on 2-bit cells spans 8 columns, all converted), so one array cycle costs cols conversions.
/// With ISAAC's figures (2 mW, 1.28 GS/s, 128 columns) that is 200 pJ = 2 mW × 100 ns.
/// </summary>
public sealed class AdcEstimator : ComponentEstimator
{
    public override string Class => "adc";
    public override bool IsPerArrayCycle => true;

    public static double EnergyPerConversionJoules(ComponentSpec c, ArchSpec a) => c.PowerWatts / a.Crossbar.AdcSamplesPerSecond;

    public override double EnergyPerArrayCycleJoules(ComponentSpec c, ArchSpec a) =>
        a.Crossbar.AdcsPerArray == 0 ? 0 : a.Crossbar.Cols * EnergyPerConversionJoules(c, a);
}
