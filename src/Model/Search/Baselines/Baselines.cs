using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Baselines;

/// <summary>Random search: unobserved masks of random density (density uniform in [0,1]), seeded by (seed, round).</summary>
public sealed class RandomProposer : IMaskProposer
{
    public string Name => "random";

    public IReadOnlyList<SiteMask> Propose(StudyState state, int q, int round, CancellationToken ct = default)
    {
        if (state.ReferenceAccuracy is null) return [SiteMask.All(state.SiteCount)];
        var rng = new SplitMix64(BoProposer.RoundSeed(state.Config.Seed, round) ^ 0x5A5AUL);
        var picks = new List<SiteMask>();
        var w = new ulong[state.Words];
        for (int tries = 0; picks.Count < q && tries < 100000; tries++)
        {
            CandidateGenerator.RandomMask(w, state.SiteCount, ref rng);
            if (state.IsObserved(w)) continue;
            var m = SiteMask.FromWords(state.SiteCount, w);
            if (!picks.Contains(m)) picks.Add(m);
        }
        return picks;
    }
}

/// <summary>
/// Greedy backward elimination: from all sites, try dropping each active site (one oracle call per try, in order of
/// objective gain, best first); when all tries of a step are measured, keep the drop that hurt accuracy least if it
/// is feasible, and continue from there; stop when no drop is feasible. Stateless: replays the observations.
/// </summary>
public sealed class GreedyProposer : IMaskProposer
{
    public string Name => "greedy";

    public IReadOnlyList<SiteMask> Propose(StudyState state, int q, int round, CancellationToken ct = default)
    {
        if (state.ReferenceAccuracy is null) return [SiteMask.All(state.SiteCount)];
        var byMask = state.Masks.ToDictionary(r => r.Mask);
        var cur = SiteMask.All(state.SiteCount);
        while (true)
        {
            var tries = cur.ActiveSites().Select(i => cur.With(i, false)).ToList();
            if (tries.Count == 0) return [];
            var pending = tries.Where(t => !byMask.ContainsKey(t)).ToList();
            if (pending.Count > 0)
                return pending.OrderBy(t => state.Objective.EvaluateOne(t)).ThenBy(t => t.ToString(), StringComparer.Ordinal).Take(q).ToList();
            MaskRecord? best = null;
            foreach (var t in tries)
            {
                var r = byMask[t];
                if (r.MeanAccuracy is null) continue;
                if (best is null || r.MeanAccuracy > best.MeanAccuracy ||
                    (r.MeanAccuracy == best.MeanAccuracy && r.Objective < best.Objective)) best = r;
            }
            if (best is null || !state.IsFeasible(best)) return [];
            cur = best.Mask;
        }
    }
}

/// <summary>Every-k placement: for k = 2, 3, … the masks with sites i ≡ r (mod k), r = 0..k−1, fewest-k first.</summary>
public sealed class EveryKProposer : IMaskProposer
{
    public string Name => "everyk";

    public static IEnumerable<SiteMask> Placements(int sites)
    {
        for (int k = 2; k <= sites; k++)
            for (int r = 0; r < k; r++)
                yield return SiteMask.FromIndices(sites, Enumerable.Range(0, sites).Where(i => i % k == r));
    }

    public IReadOnlyList<SiteMask> Propose(StudyState state, int q, int round, CancellationToken ct = default)
    {
        if (state.ReferenceAccuracy is null) return [SiteMask.All(state.SiteCount)];
        var picks = new List<SiteMask>();
        foreach (var m in Placements(state.SiteCount))
        {
            if (picks.Count >= q) break;
            if (!state.IsObserved(m) && !picks.Contains(m)) picks.Add(m);
        }
        return picks;
    }
}

public static class Proposers
{
    public static IMaskProposer Create(string method, BoOptions? bo = null, ICandidateScorer? scorer = null) => method.Trim().ToLowerInvariant() switch
    {
        "bo" => new BoProposer(bo, scorer),
        "random" => new RandomProposer(),
        "greedy" => new GreedyProposer(),
        "everyk" or "every-k" => new EveryKProposer(),
        _ => throw new UserError($"--method: unknown '{method}'; use bo, random, greedy or everyk"),
    };
}
