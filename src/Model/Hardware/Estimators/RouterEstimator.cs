namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// On-chip network routers (ISAAC: one per 4 tiles) carrying activations between tiles. Static: its table power is charged over the whole batch time (buffers and interconnect are kept powered
/// while the pipeline runs; inter-layer activation traffic is therefore inside this power, not counted per bit).
/// </summary>
public sealed class RouterEstimator : ComponentEstimator
{
    public override string Class => "router";
    public override bool IsStatic => true;
}
