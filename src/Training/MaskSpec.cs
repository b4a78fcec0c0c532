using System.Globalization;
using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Training;

/// <summary>
/// Text forms of a site mask used by <c>deeptrain train --norm</c>: <c>all</c>, <c>none</c>, <c>every:K</c> (sites
/// 0, K, 2K, …), <c>first:K</c> (sites 0…K−1), <c>last:K</c>, <c>sites:i,j,…</c> (0-based indices) and
/// <c>mask:0101…</c> (one digit per site, site 0 first; a bare 0/1 string is accepted too).
/// </summary>
public static class MaskSpec
{
    public static SiteMask Parse(string spec, int sites)
    {
        string s = spec.Trim();
        string lower = s.ToLowerInvariant();
        if (lower == "all") return SiteMask.All(sites);
        if (lower == "none") return SiteMask.None(sites);
        int colon = s.IndexOf(':');
        if (colon < 0)
        {
            if (s.Length > 0 && s.All(c => c is '0' or '1')) return SiteMask.Parse(s, sites);
            throw new UserError($"--norm '{spec}': expected all, none, every:K, first:K, last:K, sites:i,j,… or mask:0101…");
        }
        string kind = lower[..colon], arg = s[(colon + 1)..];
        switch (kind)
        {
            case "mask": return SiteMask.Parse(arg, sites);
            case "every":
                int k = Positive(arg, spec);
                return SiteMask.FromIndices(sites, Enumerable.Range(0, sites).Where(i => i % k == 0));
            case "first": return SiteMask.FromIndices(sites, Enumerable.Range(0, Math.Min(Positive(arg, spec, allowZero: true), sites)));
            case "last":
                int l = Math.Min(Positive(arg, spec, allowZero: true), sites);
                return SiteMask.FromIndices(sites, Enumerable.Range(sites - l, l));
            case "sites":
                var idx = arg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                             .Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
                                 : throw new UserError($"--norm '{spec}': '{t}' is not a site index"));
                return SiteMask.FromIndices(sites, idx);
            default:
                throw new UserError($"--norm '{spec}': unknown form '{kind}:'; expected every:, first:, last:, sites: or mask:");
        }
    }

    private static int Positive(string arg, string spec, bool allowZero = false)
    {
        if (!int.TryParse(arg, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) || k < (allowZero ? 0 : 1))
            throw new UserError($"--norm '{spec}': '{arg}' must be a {(allowZero ? "non-negative" : "positive")} integer");
        return k;
    }
}
