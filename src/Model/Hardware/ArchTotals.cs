using DeepTrain.Model.Hardware.Estimators;

namespace DeepTrain.Model.Hardware;

/// <summary>One component-table row expanded to the whole chip.</summary>
public sealed record ComponentTotal(string Name, string Class, string Scope, double UnitsPerChip,
                                    double AreaMm2, double PeakPowerWatts, string Source);

/// <summary>
/// Derived totals of one chip: crossbar count, area and peak power (sum of the component table over all scope
/// instances), energy charged per crossbar-array cycle and static power.
/// </summary>
public sealed class ArchTotals
{
    public ArchTotals(ArchSpec spec)
    {
        Spec = spec;
        var rows = new List<ComponentTotal>();
        double area = 0, power = 0, perCycle = 0, stat = 0;
        foreach (var c in spec.Components)
        {
            var est = ComponentEstimators.For(c.Class);
            double inst = ComponentEstimator.InstancesPerChip(c.Scope, spec);
            double a = est.AreaPerInstanceMm2(c, spec) * inst;
            double p = est.PeakPowerPerInstanceWatts(c, spec) * inst;
            rows.Add(new ComponentTotal(c.Name, c.Class, c.Scope, ComponentEstimator.UnitsPerInstance(c) * inst, a, p, c.Source));
            area += a; power += p;
            perCycle += est.EnergyPerArrayCycleJoules(c, spec);
            if (est.IsStatic) stat += p;
        }
        Components = rows;
        AreaMm2 = area;
        PeakPowerWatts = power;
        EnergyPerArrayCycleJoules = perCycle;
        StaticPowerWatts = stat;
    }

    public ArchSpec Spec { get; }
    public long Crossbars => Spec.CrossbarsPerChip;
    public double AreaMm2 { get; }
    public double PeakPowerWatts { get; }
    /// <summary>Energy of one array computing one crossbar cycle, including its share of activity-proportional
    /// periphery (ADC, DAC, S+H, S+A, registers, digital units).</summary>
    public double EnergyPerArrayCycleJoules { get; }
    /// <summary>Power of the always-on components (eDRAM, bus, routers, I/O) of one chip.</summary>
    public double StaticPowerWatts { get; }
    public IReadOnlyList<ComponentTotal> Components { get; }
}
