namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>
/// Estimator plug-in for one component class (Accelergy style): area and peak power per scope instance from the
/// component table, and how the component's energy is charged — per crossbar-array cycle (activity-proportional
/// periphery), or as static power over the whole batch (buffers, interconnect, I/O), or by the model elsewhere
/// (normalization units, per operation). A new component model is one new file plus a line in
/// <see cref="ComponentEstimators"/>.
/// </summary>
public abstract class ComponentEstimator
{
    /// <summary>The <c>class</c> string in the spec's component table.</summary>
    public abstract string Class { get; }

    /// <summary>True when the component draws its table power for the whole run time (not per event).</summary>
    public virtual bool IsStatic => false;

    /// <summary>True when its energy is charged per crossbar-array cycle.</summary>
    public virtual bool IsPerArrayCycle => false;

    /// <summary>Units per scope instance (count / sharedBy).</summary>
    public static double UnitsPerInstance(ComponentSpec c) => c.Count / c.SharedBy;

    public virtual double AreaPerInstanceMm2(ComponentSpec c, ArchSpec a) => UnitsPerInstance(c) * c.AreaMm2;

    public virtual double PeakPowerPerInstanceWatts(ComponentSpec c, ArchSpec a) => UnitsPerInstance(c) * c.PowerWatts;

    /// <summary>Energy charged when one crossbar array computes for one cycle. Default for activity-proportional
    /// periphery: the scope instance's power shared by the arrays it serves, over one cycle.</summary>
    public virtual double EnergyPerArrayCycleJoules(ComponentSpec c, ArchSpec a) =>
        IsPerArrayCycle ? PeakPowerPerInstanceWatts(c, a) / ArraysPerInstance(c.Scope, a) * a.CycleSeconds : 0;

    /// <summary>Scope instances on one chip.</summary>
    public static double InstancesPerChip(string scope, ArchSpec a) => scope switch
    {
        "ima" => (double)a.Organization.Tiles * a.Organization.ImasPerTile,
        "tile" => a.Organization.Tiles,
        _ => 1,
    };

    /// <summary>Crossbar arrays served by one scope instance.</summary>
    public static double ArraysPerInstance(string scope, ArchSpec a) => scope switch
    {
        "ima" => a.Organization.ArraysPerIma,
        "tile" => (double)a.Organization.ArraysPerIma * a.Organization.ImasPerTile,
        _ => a.CrossbarsPerChip,
    };
}
