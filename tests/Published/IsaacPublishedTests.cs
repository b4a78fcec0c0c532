using DeepTrain.Model.Hardware;

namespace DeepTrain.Tests.Published;

/// <summary>ISAAC (Shafiee et al., ISCA 2016, corrected Oct-2016 version), Table II totals.</summary>
public class IsaacPublishedTests
{
    private static readonly ArchTotals Isaac = new(ArchSpec.Load("isaac"));

    private static void Within(double expected, double actual, double rel) =>
        Assert.True(Math.Abs(actual - expected) <= rel * expected, $"expected {expected} ± {rel:P0}, got {actual}");

    [Fact]
    public void IsaacPresetReproducesPublishedChipArea() => Within(85.4, Isaac.AreaMm2, 0.02);

    [Fact]
    public void IsaacPresetReproducesPublishedChipPower() => Within(65.8, Isaac.PeakPowerWatts, 0.02);

    [Fact]
    public void IsaacTileTotalsMatchTableII()
    {
        // Table II: tile 330 mW, 0.372 mm² (router share included); chip without HyperTransport = 168 tiles.
        double tileW = 0, tileMm2 = 0;
        foreach (var c in Isaac.Components)
            if (c.Class != "io") { tileW += c.PeakPowerWatts / 168; tileMm2 += c.AreaMm2 / 168; }
        Within(0.330, tileW, 0.01);
        Within(0.372, tileMm2, 0.01);
    }

    [Fact]
    public void IsaacTwelveImasMatchTableII()
    {
        double w = 0, mm2 = 0;
        foreach (var c in Isaac.Components)
            if (c.Scope == "ima") { w += c.PeakPowerWatts / 168; mm2 += c.AreaMm2 / 168; }
        Within(0.289, w, 0.01);
        Within(0.157, mm2, 0.01);
    }

    [Fact]
    public void IsaacHas16128Crossbars() => Assert.Equal(168L * 12 * 8, Isaac.Crossbars);

    [Fact]
    public void IsaacAdcDominatesTheArrayCycleEnergy()
    {
        // One 100 ns cycle of one array: ADC 2 mW × 100 ns = 200 pJ out of (24.08 mW / 8) × 100 ns ≈ 301 pJ.
        Assert.Equal(200e-12, new Model.Hardware.Estimators.AdcEstimator()
            .EnergyPerArrayCycleJoules(ArchSpec.Load("isaac").Components.Single(c => c.Class == "adc"), ArchSpec.Load("isaac")), 15);
        Within(24.08e-3 / 8 * 100e-9, Isaac.EnergyPerArrayCycleJoules, 0.01);
    }
}
