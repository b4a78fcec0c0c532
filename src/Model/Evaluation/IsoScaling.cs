using DeepTrain.Model.Hardware;
using DeepTrain.Model.Mapping;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Evaluation;

/// <summary>What an iso comparison holds equal between the chip and the GPU.</summary>
public enum IsoTarget { Area, Power }

/// <summary>A chip scaled to a target: its spec (the preset with <c>organization.tiles</c> replaced), its tile
/// and chip counts, and the model's estimate on it for the mask asked.</summary>
public sealed record ScaledChip(IsoTarget Target, double TargetValue, int Tiles, int Chips, ArchSpec Spec, Estimate Estimate)
{
    /// <summary>Area (mm²) or average training power (W) of the scaled chip, whichever <see cref="Target"/> names.</summary>
    public double AchievedValue => Target == IsoTarget.Area ? Estimate.AreaMm2 : Estimate.AveragePowerWatts;
    public double RelativeError => Math.Abs(AchievedValue - TargetValue) / TargetValue;
}

/// <summary>
/// Scales a chip until its area, or its average training power, equals a target (a GPU's die area or board power),
/// by changing the number of tiles per chip (<c>organization.tiles</c>, an integer). The crossbar mapper's own rule
/// decides the chip count (⌈one copy of the network / crossbars per chip⌉); several chips are never smaller than one
/// chip holding the same crossbars (each repeats the chip-level components), so the search runs over single chips
/// with at least <see cref="TilesToHoldOneCopy"/> tiles, and a network that does not fit the target on one chip is
/// reported (<see cref="IsoBudgetError"/>) with the smallest area and power reachable. Among integer tile counts
/// the one whose area (power) is nearest the target is taken; the area must be within <see cref="Tolerance"/> (an error
/// otherwise); power may jump by more than that between neighbouring tile counts, and the nearest is then reported.
/// Area is non-decreasing in tiles (every component has non-negative area), so the area search is a bisection;
/// power is searched the same way, which assumes power is non-decreasing in tiles (tests check it over a range).
/// Uses only the public scalar pipeline (<see cref="ModelTables"/>, <see cref="ScalarEvaluator"/>). docs/MODEL.md.
/// </summary>
public static class IsoScaling
{
    /// <summary>Largest relative gap between the scaled chip's area (power) and the target.</summary>
    public const double Tolerance = 0.01;

    /// <summary>Upper bound of the tile search (2²⁴ tiles, ~10⁵ × the presets).</summary>
    public const int MaxTiles = 1 << 24;

    public static ArchSpec WithTiles(ArchSpec spec, int tiles) =>
        spec with { Organization = spec.Organization with { Tiles = tiles } };

    /// <summary>Tiles one chip needs to hold one copy (forward, transposed and gradient) of every weighted layer.</summary>
    public static int TilesToHoldOneCopy(Network net, ArchSpec spec, int batch)
    {
        long oneCopy = CrossbarMapper.Map(net, WithTiles(spec, 1), batch).CrossbarsOneCopy;
        long perTile = (long)spec.Organization.ImasPerTile * spec.Organization.ArraysPerIma;
        long t = Math.Max(1, (oneCopy + perTile - 1) / perTile);
        if (t > MaxTiles) throw new WorkloadError($"'{net.Name}' needs {t} tiles of '{spec.Name}' for one copy, more than the {MaxTiles} the scaling searches");
        return (int)t;
    }

    /// <summary>Area of one chip with <paramref name="tiles"/> tiles (mm²), from the component table.</summary>
    public static double ChipAreaMm2(ArchSpec spec, int tiles) => new ArchTotals(WithTiles(spec, tiles)).AreaMm2;

    /// <summary>The model's estimate for <paramref name="mask"/> on the spec with <paramref name="tiles"/> tiles.</summary>
    public static Estimate EstimateAt(Network net, ArchSpec spec, int batch, SiteMask mask, int tiles)
    {
        var s = WithTiles(spec, tiles);
        return new ScalarEvaluator(ModelTables.Build(net, s, batch)).Evaluate(mask);
    }

    /// <summary>The chip whose area is nearest <paramref name="areaMm2"/>, within <see cref="Tolerance"/>.</summary>
    public static ScaledChip ToArea(Network net, ArchSpec spec, int batch, SiteMask mask, double areaMm2, string targetName = "the target")
    {
        CheckTarget(areaMm2, "area");
        int tMin = TilesToHoldOneCopy(net, spec, batch);
        double aMin = ChipAreaMm2(spec, tMin);
        if (aMin > areaMm2 * (1 + Tolerance))
            throw Unreachable(net, spec, batch, mask, tMin, $"{Fmt(areaMm2)} mm² ({targetName})");
        // Bisection for the largest T with A(T) ≤ target (A is non-decreasing in T), then the nearer of T and T + 1.
        int lo = tMin, hi = tMin;
        if (aMin <= areaMm2)
        {
            while (ChipAreaMm2(spec, hi) <= areaMm2)
            {
                lo = hi;
                if (hi >= MaxTiles) throw TooLarge(spec, $"{Fmt(areaMm2)} mm²");
                hi = (int)Math.Min(MaxTiles, 2L * hi);
            }
            while (hi - lo > 1)
            {
                int mid = lo + (hi - lo) / 2;
                if (ChipAreaMm2(spec, mid) <= areaMm2) lo = mid; else hi = mid;
            }
            if (Math.Abs(ChipAreaMm2(spec, hi) - areaMm2) < Math.Abs(ChipAreaMm2(spec, lo) - areaMm2)) lo = hi;
        }
        var e = EstimateAt(net, spec, batch, mask, lo);
        var chip = new ScaledChip(IsoTarget.Area, areaMm2, lo, e.Chips, WithTiles(spec, lo), e);
        if (chip.RelativeError > Tolerance)
            throw new UserError($"the area of '{spec.Name}' moves in steps too coarse to come within {Tolerance:P0} of {Fmt(areaMm2)} mm² ({targetName}): "
                                + $"{Fmt(chip.AchievedValue)} mm² with {lo} tiles");
        return chip;
    }

    /// <summary>The chip whose average training power (for <paramref name="mask"/>) is nearest <paramref name="watts"/>,
    /// within <see cref="Tolerance"/>.</summary>
    public static ScaledChip ToPower(Network net, ArchSpec spec, int batch, SiteMask mask, double watts, string targetName = "the target")
    {
        CheckTarget(watts, "power");
        int tMin = TilesToHoldOneCopy(net, spec, batch);
        var eMin = EstimateAt(net, spec, batch, mask, tMin);
        if (eMin.AveragePowerWatts > watts * (1 + Tolerance))
            throw Unreachable(net, spec, batch, mask, tMin, $"{Fmt(watts)} W ({targetName})", eMin);
        int lo = tMin, hi = tMin;
        Estimate eLo = eMin, eHi = eMin;
        if (eMin.AveragePowerWatts < watts)
        {
            // Bisection for the smallest T with P(T) ≥ target, then the nearer of T − 1 and T.
            while (eHi.AveragePowerWatts < watts)
            {
                lo = hi; eLo = eHi;
                if (hi >= MaxTiles) throw TooLarge(spec, $"{Fmt(watts)} W");
                hi = (int)Math.Min(MaxTiles, 2L * hi);
                eHi = EstimateAt(net, spec, batch, mask, hi);
            }
            while (hi - lo > 1)
            {
                int mid = lo + (hi - lo) / 2;
                var eMid = EstimateAt(net, spec, batch, mask, mid);
                if (eMid.AveragePowerWatts < watts) { lo = mid; eLo = eMid; } else { hi = mid; eHi = eMid; }
            }
            if (Math.Abs(eLo.AveragePowerWatts - watts) <= Math.Abs(eHi.AveragePowerWatts - watts)) { hi = lo; eHi = eLo; }
        }
        // Power can jump by more than the tolerance from one tile to the next (the replication balancer adds a whole
        // group of copies at once); then the nearest reachable power is returned and RelativeError says how far it is.
        return new ScaledChip(IsoTarget.Power, watts, hi, eHi.Chips, WithTiles(spec, hi), eHi);
    }

    private static void CheckTarget(double v, string what)
    {
        if (!double.IsFinite(v) || v <= 0) throw new UserError($"the iso-{what} target must be a positive number, got {v}");
    }

    private static IsoBudgetError Unreachable(Network net, ArchSpec spec, int batch, SiteMask mask, int tMin, string target, Estimate? eMin = null)
    {
        eMin ??= EstimateAt(net, spec, batch, mask, tMin);
        return new IsoBudgetError(
            $"no configuration of '{spec.Name}' running '{net.Name}' meets {target}: the smallest that holds it ({tMin} tiles, 1 chip) "
            + $"has {Fmt(eMin.AreaMm2)} mm² and draws {Fmt(eMin.AveragePowerWatts)} W", eMin.AreaMm2, eMin.AveragePowerWatts);
    }

    private static UserError TooLarge(ArchSpec spec, string target) =>
        new($"'{spec.Name}' does not reach {target} with up to {MaxTiles} tiles");

    private static string Fmt(double v) => v.ToString(v >= 10 ? "0" : "0.##", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A target below the smallest chip that holds the network; carries the smallest area and power reachable.</summary>
public sealed class IsoBudgetError(string message, double smallestAreaMm2, double smallestPowerWatts) : UserError(message)
{
    public double SmallestAreaMm2 { get; } = smallestAreaMm2;
    public double SmallestPowerWatts { get; } = smallestPowerWatts;
}
