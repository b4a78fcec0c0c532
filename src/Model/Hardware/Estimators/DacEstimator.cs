namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Digital-to-analog converters driving the crossbar rows (1 bit per cycle in ISAAC). Activity-proportional: its table power is drawn while the arrays it serves compute, so one array
/// cycle costs (power per scope instance / arrays per instance) × cycle time.
/// </summary>
public sealed class DacEstimator : ComponentEstimator
{
    public override string Class => "dac";
    public override bool IsPerArrayCycle => true;
}
