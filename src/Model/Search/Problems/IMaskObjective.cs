using System.Numerics;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Problems;

/// <summary>
/// The known, cheap objective f(mask) the search minimizes (model time per batch, active sites, energy per image).
/// Masks arrive packed back to back, <see cref="SiteMask.WordsFor"/>(SiteCount) words each, in SiteMask layout.
/// Implementations must not allocate per mask and must be thread-safe.
/// </summary>
public interface IMaskObjective
{
    int SiteCount { get; }
    /// <summary>Short name ("sites", "time", "energy").</summary>
    string Name { get; }
    /// <summary>Unit of the values ("sites", "s", "J").</summary>
    string Unit { get; }
    void Evaluate(ReadOnlySpan<ulong> packedMasks, int count, Span<double> values);
    /// <summary>Good starting placements (e.g. the exact fastest placement for each number of sites); may be empty.</summary>
    IEnumerable<SiteMask> Seeds { get; }
}

public static class MaskObjectiveExtensions
{
    public static double EvaluateOne(this IMaskObjective f, SiteMask mask)
    {
        Span<double> v = stackalloc double[1];
        f.Evaluate(mask.Words, 1, v);
        return v[0];
    }
}

/// <summary>f(m) = number of active sites (popcount).</summary>
public sealed class SitesObjective(int siteCount) : IMaskObjective
{
    public int SiteCount { get; } = siteCount;
    public string Name => "sites";
    public string Unit => "sites";
    public IEnumerable<SiteMask> Seeds => [];

    public void Evaluate(ReadOnlySpan<ulong> packedMasks, int count, Span<double> values)
    {
        int words = SiteMask.WordsFor(SiteCount);
        for (int m = 0; m < count; m++)
        {
            int c = 0;
            var w = packedMasks.Slice(m * words, words);
            for (int k = 0; k < words; k++) c += BitOperations.PopCount(w[k]);
            values[m] = c;
        }
    }
}

/// <summary>f(m) = Σ cost_i·m_i (synthetic problems with per-site costs, e.g. a stand-in for time).</summary>
public sealed class WeightedSitesObjective(double[] costs, string name = "weighted") : IMaskObjective
{
    public int SiteCount => costs.Length;
    public string Name { get; } = name;
    public string Unit => "cost";
    public IEnumerable<SiteMask> Seeds => [];

    public void Evaluate(ReadOnlySpan<ulong> packedMasks, int count, Span<double> values)
    {
        int words = SiteMask.WordsFor(SiteCount);
        for (int m = 0; m < count; m++)
        {
            double s = 0;
            var w = packedMasks.Slice(m * words, words);
            for (int k = 0; k < words; k++)
            {
                ulong x = w[k];
                while (x != 0) { s += costs[(k << 6) + BitOperations.TrailingZeroCount(x)]; x &= x - 1; }
            }
            values[m] = s;
        }
    }
}
