namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Off-chip links (ISAAC: HyperTransport). Static: its table power is charged over the whole batch time (buffers and interconnect are kept powered
/// while the pipeline runs; inter-layer activation traffic is therefore inside this power, not counted per bit).
/// </summary>
public sealed class IoLinkEstimator : ComponentEstimator
{
    public override string Class => "io";
    public override bool IsStatic => true;
}
