namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Shift-and-add units merging bit-serial partial sums and weight slices. Activity-proportional: its table power is drawn while the arrays it serves compute, so one array
/// cycle costs (power per scope instance / arrays per instance) × cycle time.
/// </summary>
public sealed class ShiftAddEstimator : ComponentEstimator
{
    public override string Class => "shiftAdd";
    public override bool IsPerArrayCycle => true;
}
