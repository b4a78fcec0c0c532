using DeepTrain.Model.Workloads;

namespace DeepTrain.Training;

/// <summary>Text forms of a site mask used by <c>deeptrain train --norm</c>: the shared grammar of
/// <see cref="SiteSelection"/> (all, none, every:K, first:K, last:K, sites:i+j+…, mask:0101…).</summary>
public static class MaskSpec
{
    public static SiteMask Parse(string spec, int sites) => SiteSelection.Parse(spec, sites, "--norm");
}
