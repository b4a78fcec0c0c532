namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Intra-tile bus between eDRAM and IMAs. Static: its table power is charged over the whole batch time (buffers and interconnect are kept powered
/// while the pipeline runs; inter-layer activation traffic is therefore inside this power, not counted per bit).
/// </summary>
public sealed class BusEstimator : ComponentEstimator
{
    public override string Class => "bus";
    public override bool IsStatic => true;
}
