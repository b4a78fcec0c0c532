namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Input/output registers feeding and draining the arrays. Activity-proportional: its table power is drawn while the arrays it serves compute, so one array
/// cycle costs (power per scope instance / arrays per instance) × cycle time.
/// </summary>
public sealed class RegisterEstimator : ComponentEstimator
{
    public override string Class => "register";
    public override bool IsPerArrayCycle => true;
}
