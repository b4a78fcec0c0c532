namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Digital batch-normalization units. Area and peak power come from the component table; energy is charged per
/// arithmetic operation (normUnits.energyPerOpJoules) by the site cost model, and time from lanes × clock.
/// </summary>
public sealed class NormUnitEstimator : ComponentEstimator
{
    public override string Class => "normUnit";

    /// <summary>Operations per second of all units together.</summary>
    public static double OpsPerSecond(ArchSpec a) => (double)a.NormUnits.Count * a.NormUnits.Lanes * a.NormUnits.ClockHz;
}
