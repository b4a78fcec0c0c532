using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Evaluation;

/// <summary>
/// Text forms of a site selection: <c>all</c>, <c>none</c>, <c>every:K</c> (sites 0, K, 2K, …),
/// <c>first:K</c> (sites 0..K−1), <c>mask:0101…</c> (one digit per site, site 0 first).
/// </summary>
public static class NormPlacement
{
    public static SiteMask Parse(string text, int sites)
    {
        string s = (text ?? "").Trim();
        string lower = s.ToLowerInvariant();
        if (lower == "all") return SiteMask.All(sites);
        if (lower == "none") return SiteMask.None(sites);
        int colon = s.IndexOf(':');
        if (colon > 0)
        {
            string kind = lower[..colon], arg = s[(colon + 1)..];
            if (kind == "mask") return SiteMask.Parse(arg, sites);
            if (kind is "every" or "first")
            {
                if (!int.TryParse(arg, out int k) || k < (kind == "every" ? 1 : 0))
                    throw new UserError($"--norm {s}: K must be a {(kind == "every" ? "positive" : "non-negative")} integer");
                if (kind == "first")
                {
                    if (k > sites) throw new UserError($"--norm {s}: the network has only {sites} normalization sites");
                    return SiteMask.FromIndices(sites, Enumerable.Range(0, k));
                }
                var idx = new List<int>();
                for (int i = 0; i < sites; i += k) idx.Add(i);
                return SiteMask.FromIndices(sites, idx);
            }
        }
        throw new UserError($"--norm '{s}' is not one of all, none, every:K, first:K, mask:0101…");
    }
}
