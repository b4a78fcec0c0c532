namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Tile digital units (activation/sigmoid, max-pool) working on crossbar outputs. Activity-proportional: its table power is drawn while the arrays it serves compute, so one array
/// cycle costs (power per scope instance / arrays per instance) × cycle time.
/// </summary>
public sealed class DigitalUnitEstimator : ComponentEstimator
{
    public override string Class => "digitalUnit";
    public override bool IsPerArrayCycle => true;
}
