using System.Globalization;

namespace DeepTrain.Model.Workloads;

/// <summary>
/// The one grammar for choosing normalization sites, shared by <c>estimate --norm</c>, <c>train --norm</c>,
/// <c>report --norm</c> and sweep <c>sitePolicies</c> (docs/MASKS.md). Sites are numbered from 0 in network order.
/// <list type="bullet">
/// <item><c>all</c>, <c>none</c>;</item>
/// <item><c>every:K</c> — sites 0, K, 2K, … (K ≥ 1; the first site is always kept);</item>
/// <item><c>first:K</c>, <c>last:K</c> — the first or last K sites (0 ≤ K ≤ site count);</item>
/// <item><c>sites:3,17,40</c> or <c>sites:3+17+40</c> (ranges <c>0..3</c> too) — those indices;</item>
/// <item><c>mask:0101…</c> — one digit per site, site 0 first (a bare 0/1 string is accepted too).</item>
/// </list>
/// The sweep's older spelling <c>every-K</c> is an alias of <c>every:K</c> and selects the same sites.
/// </summary>
public static class SiteSelection
{
    public const string Words = "all, none, every:K, first:K, last:K, sites:i+j+…, mask:0101…";

    /// <param name="text">The selection as typed.</param>
    /// <param name="sites">The network's site count.</param>
    /// <param name="what">The option or field it came from, for errors (e.g. "--norm", "sweep spec: sitePolicies[1]").</param>
    public static SiteMask Parse(string text, int sites, string what = "--norm")
    {
        string s = (text ?? "").Trim();
        string lower = s.ToLowerInvariant();
        if (lower == "all") return SiteMask.All(sites);
        if (lower == "none") return SiteMask.None(sites);
        if (lower.StartsWith("every-", StringComparison.Ordinal)) { lower = "every:" + lower[6..]; s = lower; }
        int colon = s.IndexOf(':');
        if (colon < 0)
        {
            if (s.Length > 0 && s.All(c => c is '0' or '1')) return Bits(s, sites, what, text!);
            throw new UserError($"{what} '{text}' is not one of {Words}{NearestName.Hint(lower, ["all", "none"])}");
        }
        string kind = lower[..colon], arg = s[(colon + 1)..].Trim();
        switch (kind)
        {
            case "mask": return Bits(arg, sites, what, text!);
            case "every":
            {
                int k = Count(arg, what, text!, min: 1);
                var idx = new List<int>();
                for (long i = 0; i < sites; i += k) idx.Add((int)i);
                return SiteMask.FromIndices(sites, idx);
            }
            case "first" or "last":
            {
                int k = Count(arg, what, text!, min: 0);
                if (k > sites) throw new UserError($"{what} '{text}': the network has only {sites} normalization sites");
                return SiteMask.FromIndices(sites, kind == "first" ? Enumerable.Range(0, k) : Enumerable.Range(sites - k, k));
            }
            case "sites":
            {
                if (arg.Length == 0) return SiteMask.None(sites);
                var list = ListSyntax.NonNegativeIntegers(arg, $"{what} '{text}'", allowComma: true);
                foreach (var i in list)
                    if (i >= sites) throw new UserError($"{what} '{text}': site {i} does not exist (sites are 0..{sites - 1})");
                return SiteMask.FromIndices(sites, list.Select(i => (int)i));
            }
            default:
                throw new UserError($"{what} '{text}': unknown form '{kind}:'; expected {Words}"
                                    + NearestName.Hint(kind, ["every", "first", "last", "sites", "mask"]));
        }
    }

    private static SiteMask Bits(string bits, int sites, string what, string text)
    {
        if (bits.Length != sites || !bits.All(c => c is '0' or '1'))
            throw new UserError($"{what} '{text}': a mask needs exactly {sites} digits 0/1 (one per site, site 0 first), got {bits.Length}");
        return SiteMask.Parse(bits, sites);
    }

    private static int Count(string arg, string what, string text, int min)
    {
        if (arg.Length == 0 || arg.Length > 9 || !arg.All(char.IsAsciiDigit)
            || !int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k < min)
            throw new UserError($"{what} '{text}': K must be a whole number ≥ {min}");
        return k;
    }
}
