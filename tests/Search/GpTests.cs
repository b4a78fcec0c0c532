using DeepTrain.Model.Search.Surrogates;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Search;

public class GpTests
{
    // Fixed case and reference numbers from tools/gp_sklearn_reference.py (Debian python3-sklearn 1.2.1):
    // ConstantKernel(σ²)·RBF(ℓ = 1/√(2w)), alpha = noise, normalize_y = True, optimizer = None.
    private static readonly string[] Train = ["1111111111", "1111111110", "0111111111", "1011011011", "1110111101",
        "1010101010", "0101010101", "1100110011", "1111100000", "0000011111"];
    private static readonly double[] Y = [92.1, 91.8, 90.2, 89.7, 91.0, 85.3, 84.9, 88.2, 87.5, 86.1];
    private static readonly string[] Test = ["1111111111", "1011111111", "0000000000", "1101101101", "1010101011"];

    private static GaussianProcess Build(KernelKind kind, double sigma2, double noise, double[] w, bool countFeature = false)
    {
        var gp = new GaussianProcess(10, new GpOptions { Kernel = kind, CountFeature = countFeature });
        var theta = new List<double> { Math.Log(sigma2), Math.Log(noise) };
        theta.AddRange(w.Select(x => Math.Log(x)));
        gp.SetTheta(theta.ToArray());
        for (int i = 0; i < Train.Length; i++) gp.Add(SiteMask.Parse(Train[i], 10).Words, Y[i]);
        return gp;
    }

    private static void AssertRel(double expected, double actual, double tol = 1e-9) =>
        Assert.True(Math.Abs(expected - actual) <= tol * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    private static void CheckAgainstSklearn(GaussianProcess gp, double lml, double[] mean, double[] var)
    {
        Span<double> g = stackalloc double[gp.Kernel.ParameterCount];
        AssertRel(lml, gp.LogMarginalLikelihood(gp.Theta, g));
        var snap = gp.Snapshot();
        var packed = Test.SelectMany(t => SiteMask.Parse(t, 10).Words.ToArray()).ToArray();
        var m = new double[Test.Length]; var v = new double[Test.Length];
        snap.Predict(packed, 1, Test.Length, m, v);
        for (int i = 0; i < Test.Length; i++) { AssertRel(mean[i], m[i]); AssertRel(var[i], v[i], 1e-8); }
    }

    [Fact]
    public void ExpHammingPosteriorAndLikelihoodMatchSklearnRbf() =>
        CheckAgainstSklearn(Build(KernelKind.ExpHamming, 1.7, 0.05, [0.3]), -13.448159758623937,
            [92.03980279996972, 90.65271827181759, 86.63914635901646, 88.83615833870186, 86.81439930229793],
            [0.2869732120671885, 4.090785955077627, 9.383232738614753, 7.8763975918947216, 4.258577718159155]);

    [Fact]
    public void ArdHammingPosteriorAndLikelihoodMatchSklearnAnisotropicRbf() =>
        CheckAgainstSklearn(Build(KernelKind.ArdHamming, 0.9, 0.01, [0.1, 0.5, 0.2, 0.05, 0.9, 0.3, 0.3, 0.15, 0.6, 0.25]),
            -13.786389196621897,
            [92.00875758213029, 89.3433300310243, 86.86591884283212, 88.99670525217437, 86.53446672709512],
            [0.05916330989462544, 2.869423199055031, 5.033387446840179, 3.537038923727556, 1.958811428050552]);

    private static GaussianProcess RandomGp(KernelKind kind, bool countFeature, int sites, int n, int seed)
    {
        var rng = new Random(seed);
        var gp = new GaussianProcess(sites, new GpOptions { Kernel = kind, CountFeature = countFeature });
        var theta = gp.Kernel.DefaultTheta();
        for (int j = 0; j < theta.Length; j++) theta[j] += rng.NextDouble() - 0.5;
        gp.SetTheta(theta);
        for (int i = 0; i < n; i++)
        {
            var m = SiteMask.FromIndices(sites, Enumerable.Range(0, sites).Where(_ => rng.NextDouble() < 0.6));
            gp.Add(m.Words, 80 + m.Count + rng.NextDouble());
        }
        return gp;
    }

    [Theory]
    [InlineData(KernelKind.ExpHamming, false)]
    [InlineData(KernelKind.ExpHamming, true)]
    [InlineData(KernelKind.ArdHamming, false)]
    [InlineData(KernelKind.ArdHamming, true)]
    public void LikelihoodGradientMatchesFiniteDifferences(KernelKind kind, bool countFeature)
    {
        var gp = RandomGp(kind, countFeature, 70, 18, 3);
        var theta = gp.Theta.ToArray();
        var g = new double[theta.Length]; var dummy = new double[theta.Length];
        gp.LogMarginalLikelihood(theta, g);
        const double h = 1e-5;
        for (int j = 0; j < theta.Length; j++)
        {
            var tp = (double[])theta.Clone(); tp[j] += h;
            var tm = (double[])theta.Clone(); tm[j] -= h;
            double fd = (gp.LogMarginalLikelihood(tp, dummy) - gp.LogMarginalLikelihood(tm, dummy)) / (2 * h);
            Assert.True(Math.Abs(fd - g[j]) <= 1e-5 * Math.Max(1, Math.Abs(fd)), $"θ[{j}]: analytic {g[j]:R}, finite difference {fd:R}");
        }
    }

    [Theory]
    [InlineData(KernelKind.ExpHamming)]
    [InlineData(KernelKind.ArdHamming)]
    public void IncrementalUpdateEqualsFullRefit(KernelKind kind)
    {
        var inc = RandomGp(kind, true, 53, 40, 5); // built by 40 appends
        var full = inc.Clone();
        full.SetTheta(inc.Theta); // refactors everything from scratch
        var a = inc.Snapshot(); var b = full.Snapshot();
        var rng = new Random(9);
        for (int t = 0; t < 20; t++)
        {
            var m = SiteMask.FromIndices(53, Enumerable.Range(0, 53).Where(_ => rng.NextDouble() < 0.5));
            var (ma, va) = a.Predict(m.Words); var (mb, vb) = b.Predict(m.Words);
            Assert.Equal(mb, ma, 12); Assert.Equal(vb, va, 12);
        }
    }

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(9)]
    public void BatchedPredictionEqualsOneAtATime(int count)
    {
        foreach (var kind in new[] { KernelKind.ExpHamming, KernelKind.ArdHamming })
        {
            var snap = RandomGp(kind, false, 130, 23, 11).Snapshot(); // 3 words per mask
            var rng = new Random(count);
            var masks = Enumerable.Range(0, count).Select(_ => SiteMask.FromIndices(130, Enumerable.Range(0, 130).Where(_ => rng.NextDouble() < 0.4))).ToArray();
            var packed = masks.SelectMany(m => m.Words.ToArray()).ToArray();
            var mu = new double[count]; var v = new double[count];
            snap.Predict(packed, 3, count, mu, v);
            for (int i = 0; i < count; i++)
            {
                var (m1, v1) = snap.Predict(masks[i].Words);
                Assert.Equal(m1, mu[i], 10); Assert.Equal(v1, v[i], 10);
                Assert.True(v[i] >= 0);
            }
        }
    }

    [Fact]
    public void FitIsDeterministicAndDoesNotLowerTheLikelihood()
    {
        var a = RandomGp(KernelKind.ExpHamming, true, 53, 60, 7);
        var b = RandomGp(KernelKind.ExpHamming, true, 53, 60, 7);
        var g = new double[a.Kernel.ParameterCount];
        double before = a.LogMarginalLikelihood(a.Theta, g);
        double la = a.Fit(42), lb = b.Fit(42);
        Assert.Equal(la, lb);
        Assert.Equal(a.Theta.ToArray(), b.Theta.ToArray());
        Assert.True(la >= before - 1e-9, $"fit lowered the likelihood: {before} → {la}");
    }

    [Fact]
    public void ObservedPointHasSmallVarianceAndFarPointRevertsToPrior()
    {
        var gp = RandomGp(KernelKind.ExpHamming, false, 53, 30, 2);
        var snap = gp.Snapshot();
        var (_, vObs) = snap.Predict(gp.Mask(0));
        Assert.True(vObs < snap.SignalVariance * snap.Std * snap.Std * 0.2);
    }
}
