using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Search.Surrogates;

namespace DeepTrain.Model.Search.Optim;

/// <summary>A shortlisted candidate: its index in the round's candidate buffer, objective value and score.</summary>
public readonly record struct ShortlistEntry(int Index, double F, double Score);

/// <summary>
/// One acquisition round's scoring problem: <see cref="Count"/> packed candidate masks with their known objective
/// values, the GP snapshot and context to score them with, the observed masks (by <see cref="MaskHash"/>) to skip,
/// and the shortlist size <see cref="K"/>.
/// </summary>
public sealed record ScoringRound(GpSnapshot Snapshot, AcquisitionContext Context, ulong[] Masks, double[] F, int Count,
                                  int Words, int K, IReadOnlySet<ulong> Observed)
{
    /// <summary>The process behind <see cref="Snapshot"/> as O(n) data (null: not available); a distributed scorer
    /// may ship this and let workers refactor instead of shipping the O(n²) snapshot.</summary>
    public GpTrainingData? Training { get; init; }
}

/// <summary>
/// Step (3) of a BO round: score every candidate and keep the shortlist — the top <see cref="ScoringRound.K"/>
/// distinct, unobserved candidates by (score desc, f asc, index asc), skipping f ≥ f_best once a feasible mask is
/// known. <see cref="LocalScorer"/> does it in this thread; the actor layer's distributed scorer splits the candidates
/// into chunks for acquisition workers and merges their per-chunk shortlists with <see cref="CandidateScoring.Merge"/>,
/// which gives exactly the same shortlist.
/// </summary>
public interface ICandidateScorer
{
    IReadOnlyList<ShortlistEntry> Shortlist(ScoringRound round, CancellationToken ct);
}

public static class CandidateScoring
{
    /// <summary>
    /// The shortlist of candidates [<paramref name="first"/>, first + <paramref name="count"/>) of a round, scored
    /// against <paramref name="snapshot"/>. Indices in the result are round indices (first + local index). What an
    /// acquisition worker computes on one chunk. Exactness of chunk-and-merge: an entry of the global shortlist has
    /// fewer than K distinct masks ranked above it in the whole round, hence also within its chunk, so it is in its
    /// chunk's shortlist; the merge re-applies the same order and duplicate rule.
    /// </summary>
    public static List<ShortlistEntry> ChunkShortlist(GpSnapshot snapshot, AcquisitionContext ctx, ReadOnlySpan<ulong> masks,
        ReadOnlySpan<double> f, int count, int first, int k, IReadOnlySet<ulong> observed)
    {
        int words = snapshot.Kernel.Words;
        var score = new double[count];
        AcquisitionFunction.Score(snapshot, ctx, masks, count, f, score);
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var fc = f[..count].ToArray();
        Array.Sort(order, (a, b) => Compare(score[a], fc[a], a, score[b], fc[b], b));
        var list = new List<ShortlistEntry>(Math.Min(k, count));
        var seen = new HashSet<ulong>();
        foreach (int i in order)
        {
            if (list.Count >= k) break;
            if (ctx.HasFeasible && !(fc[i] < ctx.FBest)) continue;
            ulong h = MaskHash.Of(masks.Slice(i * words, words));
            if (observed.Contains(h) || !seen.Add(h)) continue;
            list.Add(new ShortlistEntry(first + i, fc[i], score[i]));
        }
        return list;
    }

    /// <summary>Merges per-chunk shortlists of one round (any order of chunks) into the round's shortlist.</summary>
    public static List<ShortlistEntry> Merge(IEnumerable<IReadOnlyList<ShortlistEntry>> chunks, ReadOnlySpan<ulong> masks, int words, int k)
    {
        var all = chunks.SelectMany(c => c).ToList();
        all.Sort((a, b) => Compare(a.Score, a.F, a.Index, b.Score, b.F, b.Index));
        var list = new List<ShortlistEntry>(Math.Min(k, all.Count));
        var seen = new HashSet<ulong>();
        foreach (var e in all)
        {
            if (list.Count >= k) break;
            if (seen.Add(MaskHash.Of(masks.Slice(e.Index * words, words)))) list.Add(e);
        }
        return list;
    }

    /// <summary>Score desc, then f asc, then index asc.</summary>
    public static int Compare(double sa, double fa, int ia, double sb, double fb, int ib)
    {
        int c = sb.CompareTo(sa);
        if (c != 0) return c;
        c = fa.CompareTo(fb);
        return c != 0 ? c : ia.CompareTo(ib);
    }

    /// <summary>Chunk boundaries of a round: a pure function of (count, chunk size), never of the worker count.</summary>
    public static IEnumerable<(int First, int Count)> Chunks(int count, int chunkSize)
    {
        if (chunkSize < 1) throw new ArgumentOutOfRangeException(nameof(chunkSize));
        for (int first = 0; first < count; first += chunkSize) yield return (first, Math.Min(chunkSize, count - first));
    }
}

/// <summary>Scores the round in the calling thread, in chunks of <paramref name="chunkSize"/> (one chunk: the whole
/// round) merged with <see cref="CandidateScoring.Merge"/>; the result does not depend on the chunk size.</summary>
public sealed class LocalScorer(int chunkSize = int.MaxValue) : ICandidateScorer
{
    public static readonly LocalScorer Instance = new();

    public IReadOnlyList<ShortlistEntry> Shortlist(ScoringRound r, CancellationToken ct)
    {
        var parts = new List<IReadOnlyList<ShortlistEntry>>();
        foreach (var (first, count) in CandidateScoring.Chunks(r.Count, chunkSize))
        {
            ct.ThrowIfCancellationRequested();
            parts.Add(CandidateScoring.ChunkShortlist(r.Snapshot, r.Context, r.Masks.AsSpan(first * r.Words, count * r.Words),
                r.F.AsSpan(first, count), count, first, r.K, r.Observed));
        }
        return parts.Count == 1 ? parts[0] : CandidateScoring.Merge(parts, r.Masks, r.Words, r.K);
    }
}
