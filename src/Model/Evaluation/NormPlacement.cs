using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Evaluation;

/// <summary>Text forms of a site selection for <c>--norm</c>: the shared grammar of <see cref="SiteSelection"/>.</summary>
public static class NormPlacement
{
    public static SiteMask Parse(string text, int sites) => SiteSelection.Parse(text, sites, "--norm");
}
