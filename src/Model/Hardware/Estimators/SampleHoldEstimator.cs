namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Sample-and-hold circuits on the crossbar columns. Activity-proportional: its table power is drawn while the arrays it serves compute, so one array
/// cycle costs (power per scope instance / arrays per instance) × cycle time.
/// </summary>
public sealed class SampleHoldEstimator : ComponentEstimator
{
    public override string Class => "sampleHold";
    public override bool IsPerArrayCycle => true;
}
