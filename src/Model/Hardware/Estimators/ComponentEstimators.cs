namespace DeepTrain.Model.Hardware.Estimators;

/// <summary>Registry of estimator plug-ins keyed by component class.</summary>
public static class ComponentEstimators
{
    private static readonly Dictionary<string, ComponentEstimator> ByClass = new ComponentEstimator[]
    {
        new AdcEstimator(), new DacEstimator(), new SampleHoldEstimator(), new CrossbarArrayEstimator(),
        new ShiftAddEstimator(), new RegisterEstimator(), new DigitalUnitEstimator(), new EdramEstimator(),
        new BusEstimator(), new RouterEstimator(), new IoLinkEstimator(), new NormUnitEstimator(),
    }.ToDictionary(e => e.Class);

    public static IEnumerable<string> Classes => ByClass.Keys;

    public static bool Known(string? cls) => cls is not null && ByClass.ContainsKey(cls);

    public static ComponentEstimator For(string cls) =>
        ByClass.TryGetValue(cls, out var e) ? e : throw new SpecError($"unknown component class '{cls}'");
}
