using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Study;

/// <summary>Per distinct mask: its packed words, objective value and mean of its successful accuracies.</summary>
public sealed class MaskRecord(SiteMask mask, double objective)
{
    public SiteMask Mask { get; } = mask;
    public double Objective { get; } = objective;
    public int Successes { get; private set; }
    public int Failures { get; private set; }
    private double _sum;
    public double? MeanAccuracy => Successes > 0 ? _sum / Successes : null;
    internal void Add(double? acc) { if (acc is double a) { Successes++; _sum += a; } else Failures++; }
}

/// <summary>
/// What a proposer sees: observations in canonical order, the reference accuracy (mean of the reference seeds, with
/// their spread), the feasibility threshold τ = reference − tolerance, distinct masks and the incumbent.
/// Pure and deterministic: the same observations give the same state.
/// </summary>
public sealed class StudyState
{
    private readonly List<Observation> _obs = new();
    private readonly Dictionary<string, MaskRecord> _masks = new();
    private readonly List<MaskRecord> _order = new();
    private readonly HashSet<ulong> _hashes = new();

    public StudyState(StudyConfig config, IMaskObjective objective)
    {
        Config = config; Objective = objective;
        if (objective.SiteCount != config.SiteCount) throw new ArgumentException("objective and study disagree on the number of sites");
    }

    public StudyConfig Config { get; }
    public IMaskObjective Objective { get; }
    public int SiteCount => Config.SiteCount;
    public int Words => SiteMask.WordsFor(SiteCount);
    public IReadOnlyList<Observation> Observations => _obs;
    /// <summary>Distinct masks in order of first observation.</summary>
    public IReadOnlyList<MaskRecord> Masks => _order;
    public SiteMask AllSites => SiteMask.All(SiteCount);

    public double? ReferenceAccuracy { get; private set; }
    /// <summary>Population standard deviation of the reference measurements.</summary>
    public double ReferenceSpread { get; private set; }
    public double Threshold => (ReferenceAccuracy ?? double.NaN) - Config.TolerancePercent;

    public void Add(Observation o)
    {
        _obs.Add(o);
        var mask = SiteMask.Parse(o.Mask, SiteCount);
        if (!_masks.TryGetValue(o.Mask, out var rec))
        {
            rec = new MaskRecord(mask, o.Objective);
            _masks[o.Mask] = rec; _order.Add(rec);
            _hashes.Add(MaskHash.Of(mask.Words));
        }
        rec.Add(o.AccuracyPercent);
        if (o.IsReference)
        {
            var refs = _obs.Where(x => x.IsReference && x.Succeeded).Select(x => x.AccuracyPercent!.Value).ToArray();
            if (refs.Length > 0)
            {
                double m = refs.Average();
                ReferenceAccuracy = m;
                ReferenceSpread = Math.Sqrt(refs.Sum(a => (a - m) * (a - m)) / refs.Length);
            }
        }
    }

    /// <summary>True when the mask was already sent to the oracle (64-bit hash; a collision would only skip a mask).</summary>
    public bool IsObserved(ReadOnlySpan<ulong> words) => _hashes.Contains(MaskHash.Of(words));
    /// <summary><see cref="MaskHash"/> of every observed mask (what acquisition workers filter with).</summary>
    public IReadOnlySet<ulong> ObservedHashes => _hashes;
    public bool IsObserved(SiteMask m) => IsObserved(m.Words);

    public bool IsFeasible(MaskRecord r) => ReferenceAccuracy is not null && r.MeanAccuracy is double a && a >= Threshold;

    /// <summary>The feasible mask with the lowest objective (ties: more accurate, then earlier).</summary>
    public MaskRecord? Incumbent
    {
        get
        {
            MaskRecord? best = null;
            foreach (var r in _order)
                if (IsFeasible(r) && (best is null || r.Objective < best.Objective ||
                                      (r.Objective == best.Objective && r.MeanAccuracy > best.MeanAccuracy)))
                    best = r;
            return best;
        }
    }

    /// <summary>Feasible masks sorted by objective, best first.</summary>
    public IEnumerable<MaskRecord> FeasibleByObjective() => _order.Where(IsFeasible).OrderBy(r => r.Objective);

    public int OracleCalls => _obs.Count;
}

/// <summary>64-bit hash of packed mask words (splitmix64 finalizer per word).</summary>
public static class MaskHash
{
    public static ulong Of(ReadOnlySpan<ulong> words)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)words.Length;
        for (int i = 0; i < words.Length; i++) h = Mix(h ^ Mix(words[i] + (ulong)i * 0xBF58476D1CE4E5B9UL));
        return h;
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
