namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// The ReRAM crossbar arrays themselves (read current). Activity-proportional: its table power is drawn while the arrays it serves compute, so one array
/// cycle costs (power per scope instance / arrays per instance) × cycle time.
/// </summary>
public sealed class CrossbarArrayEstimator : ComponentEstimator
{
    public override string Class => "array";
    public override bool IsPerArrayCycle => true;
}
