using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Search.Surrogates;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Search;

/// <summary>Chunked scoring (what acquisition workers do) must give exactly the whole-round shortlist.</summary>
public class CandidateScoringTests
{
    private static (GpSnapshot Snap, ulong[] Cands, double[] F, HashSet<ulong> Observed) Round(int sites, int n, int count, int seed,
        KernelKind kernel = KernelKind.ExpHamming, int duplicatesEvery = 0)
    {
        var rng = new Random(seed);
        var gp = new GaussianProcess(sites, new GpOptions { Kernel = kernel });
        var observed = new HashSet<ulong>();
        int words = SiteMask.WordsFor(sites);
        var obsMasks = new List<SiteMask>();
        for (int i = 0; i < n; i++)
        {
            var m = SiteMask.FromIndices(sites, Enumerable.Range(0, sites).Where(_ => rng.NextDouble() < 0.6));
            gp.Add(m.Words, 88 + 0.25 * m.Count + rng.NextDouble());
            observed.Add(MaskHash.Of(m.Words));
            obsMasks.Add(m);
        }
        gp.Fit(seed);
        var cands = new ulong[count * words];
        var sm = new SplitMix64((ulong)seed);
        for (int i = 0; i < count; i++)
        {
            var dst = cands.AsSpan(i * words, words);
            if (duplicatesEvery > 0 && i > 0 && i % duplicatesEvery == 0) cands.AsSpan((i / 2) * words, words).CopyTo(dst);
            else if (i % 97 == 5) obsMasks[i % n].Words.CopyTo(dst); // observed masks must never be shortlisted
            else CandidateGenerator.RandomMask(dst, sites, ref sm);
        }
        var f = new double[count];
        new SitesObjective(sites).Evaluate(cands, count, f);
        return (gp.Snapshot(), cands, f, observed);
    }

    public static TheoryData<int, double, AcquisitionKind, int> Cases => new()
    {
        { 40, 18, AcquisitionKind.ConstrainedEi, 0 },
        { 40, double.PositiveInfinity, AcquisitionKind.ConstrainedEi, 0 },   // no feasible mask yet
        { 70, 40, AcquisitionKind.ConstrainedEi, 3 },                        // two words, many duplicates
        { 40, 25, AcquisitionKind.ProbabilityOfFeasibility, 0 },
        { 40, 25, AcquisitionKind.Thompson, 0 },
        { 40, 2, AcquisitionKind.ConstrainedEi, 0 },                         // almost every score is 0
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnyChunkingGivesTheWholeRoundShortlist(int sites, double fBest, AcquisitionKind kind, int dupEvery)
    {
        var (snap, cands, f, observed) = Round(sites, 30, 1500, sites + (int)Math.Min(fBest, 99), duplicatesEvery: dupEvery);
        var ctx = new AcquisitionContext(kind, 97, fBest, 2, 99);
        var round = new ScoringRound(snap, ctx, cands, f, f.Length, SiteMask.WordsFor(sites), 64, observed);
        var whole = LocalScorer.Instance.Shortlist(round, default);
        int eligible = Enumerable.Range(0, f.Length).Where(i => !(f[i] >= fBest))
            .Select(i => MaskHash.Of(cands.AsSpan(i * round.Words, round.Words))).Distinct().Count(h => !observed.Contains(h));
        Assert.Equal(Math.Min(64, eligible), whole.Count);
        Assert.True(whole.Count > 10);
        Assert.DoesNotContain(whole, e => observed.Contains(MaskHash.Of(cands.AsSpan(e.Index * round.Words, round.Words))));
        Assert.Equal(whole.Count, whole.Select(e => MaskHash.Of(cands.AsSpan(e.Index * round.Words, round.Words))).Distinct().Count());
        foreach (int chunk in new[] { 1, 7, 64, 100, 1000 })
            Assert.Equal(whole, new LocalScorer(chunk).Shortlist(round, default));
        // Shuffled chunk results merge to the same list (workers answer in any order).
        var parts = CandidateScoring.Chunks(f.Length, 128).Select(c => (IReadOnlyList<ShortlistEntry>)CandidateScoring.ChunkShortlist(
            snap, ctx, cands.AsSpan(c.First * round.Words, c.Count * round.Words), f.AsSpan(c.First, c.Count), c.Count, c.First, 64, observed)).Reverse();
        Assert.Equal(whole, CandidateScoring.Merge(parts, cands, round.Words, 64));
    }

    [Fact]
    public void TheShortlistIsOrderedByScoreThenObjectiveThenIndex()
    {
        var (snap, cands, f, observed) = Round(30, 25, 800, 3);
        var ctx = new AcquisitionContext(AcquisitionKind.ConstrainedEi, 96, 20);
        var list = LocalScorer.Instance.Shortlist(new ScoringRound(snap, ctx, cands, f, f.Length, 1, 50, observed), default);
        for (int i = 1; i < list.Count; i++)
            Assert.True(CandidateScoring.Compare(list[i - 1].Score, list[i - 1].F, list[i - 1].Index, list[i].Score, list[i].F, list[i].Index) < 0);
        var scores = new double[f.Length];
        AcquisitionFunction.Score(snap, ctx, cands, f.Length, f, scores);
        foreach (var e in list) Assert.Equal(scores[e.Index], e.Score);
    }

    [Theory]
    [InlineData(KernelKind.ExpHamming)]
    [InlineData(KernelKind.ArdHamming)]
    public void ExportedSnapshotPredictsBitIdentically(KernelKind kernel)
    {
        var (snap, cands, _, _) = Round(70, 40, 203, 5, kernel);
        var copy = GpSnapshot.Import(snap.Export());
        int words = 2;
        var (m1, v1, m2, v2) = (new double[203], new double[203], new double[203], new double[203]);
        snap.Predict(cands, words, 203, m1, v1);
        copy.Predict(cands, words, 203, m2, v2);
        Assert.Equal(m1, m2);
        Assert.Equal(v1, v2);
        Assert.Throws<ArgumentException>(() => GpSnapshot.Import(snap.Export() with { Count = 39 }));
    }

    [Fact]
    public void APredictionDoesNotDependOnItsPositionInTheBatch()
    {
        var (snap, cands, _, _) = Round(40, 33, 9, 8);
        var (mAll, vAll) = (new double[9], new double[9]);
        snap.Predict(cands, 1, 9, mAll, vAll);
        for (int i = 0; i < 9; i++)
        {
            // Alone (a partial block of one) and at every offset of a batch of three.
            var (m, v) = snap.Predict(cands.AsSpan(i, 1));
            Assert.Equal(vAll[i], v);
            Assert.Equal(mAll[i], m);
        }
        for (int start = 0; start + 3 <= 9; start++)
        {
            var (m3, v3) = (new double[3], new double[3]);
            snap.Predict(cands.AsSpan(start, 3), 1, 3, m3, v3);
            for (int j = 0; j < 3; j++) Assert.Equal(vAll[start + j], v3[j]);
        }
    }
}

public class GpTrainingDataTests
{
    [Theory]
    [InlineData(KernelKind.ExpHamming, 53, 300, true)]
    [InlineData(KernelKind.ArdHamming, 70, 120, true)]
    [InlineData(KernelKind.ExpHamming, 300, 40, true)]   // five words per mask
    [InlineData(KernelKind.ExpHamming, 20, 1, false)]    // one observation: never fitted
    public void ARebuiltProcessPredictsBitIdentically(KernelKind kernel, int sites, int n, bool fit)
    {
        var rng = new Random(sites + n);
        var gp = new GaussianProcess(sites, new GpOptions { Kernel = kernel, CountFeature = sites == 53 });
        int words = SiteMask.WordsFor(sites);
        for (int i = 0; i < n; i++)
        {
            var m = SiteMask.FromIndices(sites, Enumerable.Range(0, sites).Where(_ => rng.NextDouble() < 0.6));
            gp.Add(m.Words, 85 + 0.1 * m.Count + rng.NextDouble());
        }
        if (fit) gp.Fit(3);
        var rebuilt = GaussianProcess.FromTraining(gp.Training());
        Assert.Equal(gp.Jitter, rebuilt.Jitter);
        var cands = new ulong[97 * words];
        for (int i = 0; i < cands.Length; i++) cands[i] = (ulong)rng.NextInt64();
        for (int i = 0; i < 97; i++) if (sites % 64 != 0) cands[i * words + words - 1] &= (1UL << (sites % 64)) - 1;
        var (m1, v1, m2, v2) = (new double[97], new double[97], new double[97], new double[97]);
        gp.Snapshot().Predict(cands, words, 97, m1, v1);
        rebuilt.Snapshot().Predict(cands, words, 97, m2, v2);
        Assert.Equal(m1, m2);
        Assert.Equal(v1, v2);
        Assert.Throws<ArgumentException>(() => GaussianProcess.FromTraining(gp.Training() with { Y = [] }));
    }
}
