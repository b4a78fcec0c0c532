namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// eDRAM buffers holding activations between layers (ISAAC: 64 KB per tile). Static: its table power is charged over the whole batch time (buffers and interconnect are kept powered
/// while the pipeline runs; inter-layer activation traffic is therefore inside this power, not counted per bit).
/// </summary>
public sealed class EdramEstimator : ComponentEstimator
{
    public override string Class => "edram";
    public override bool IsStatic => true;
}
