using DeepTrain.Model.Hardware;
using DeepTrain.Model.Pipeline;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Evaluation;

/// <summary>
/// Structure-of-arrays precomputation for fast mask evaluation. Because every run's Σt adds up to the sum of all
/// stages whatever the mask, time per batch = FixedSeconds + (B−1)·Σ_runs max t + Σ_active site seconds, and a
/// run's max is the max over the "gaps" (stage ranges between consecutive sites) it covers. Gap g (0..S) holds the
/// stages after site g−1 and before site g; GapMaxForward/GapMaxBackward are the largest per-image stage times there.
/// </summary>
public sealed class ModelTables
{
    private ModelTables(TrainingPipeline p)
    {
        Pipeline = p;
        int s = p.Network.SiteCount, w = p.StageCount;
        SiteCount = s;
        Batch = p.Batch;
        BatchMinusOne = p.Batch - 1;
        SiteSeconds = new double[s];
        SiteJoules = new double[s];
        GapMaxForward = new double[s + 1];
        GapMaxBackward = new double[s + 1];
        for (int j = 0; j < s; j++) { SiteSeconds[j] = p.Sites[j].Seconds; SiteJoules[j] = p.Sites[j].Joules; }
        double sum = 0;
        for (int i = 0; i < w; i++) sum += p.ForwardSeconds[i] + p.BackwardSeconds[i];
        StageSumSeconds = sum;
        for (int g = 0; g <= s; g++)
        {
            int from = g == 0 ? 0 : p.SitePositions[g - 1], to = g == s ? w : p.SitePositions[g];
            double mf = 0, mb = 0;
            for (int i = from; i < to; i++) { mf = Math.Max(mf, p.ForwardSeconds[i]); mb = Math.Max(mb, p.BackwardSeconds[i]); }
            GapMaxForward[g] = mf; GapMaxBackward[g] = mb;
        }
        int bytes = (s + 7) >> 3;
        SiteSecondsByByte = new double[bytes * 256];
        SiteJoulesByByte = new double[bytes * 256];
        for (int b = 0; b < bytes; b++)
            for (int v = 1; v < 256; v++)
            {
                double st = 0, se = 0;
                for (int i = 0; i < 8; i++)
                    if ((v >> i & 1) != 0 && 8 * b + i < s) { st += SiteSeconds[8 * b + i]; se += SiteJoules[8 * b + i]; }
                SiteSecondsByByte[b * 256 + v] = st;
                SiteJoulesByByte[b * 256 + v] = se;
            }
        FixedSeconds = StageSumSeconds + p.Update.Seconds;
        FixedJoulesPerBatch = p.FixedJoulesPerBatch;
        StaticPowerWatts = p.StaticPowerWatts;
    }

    public static ModelTables Build(Network net, ArchSpec spec, int batch) => new(new TrainingPipeline(net, spec, batch));

    public static ModelTables Build(TrainingPipeline pipeline) => new(pipeline);

    public TrainingPipeline Pipeline { get; }
    public int SiteCount { get; }
    public int Batch { get; }
    public double BatchMinusOne { get; }
    public double[] SiteSeconds { get; }
    public double[] SiteJoules { get; }
    /// <summary>Σ site seconds of the active sites among sites 8b..8b+7 for mask byte value v, at [b·256 + v]
    /// (lets evaluators add site costs one mask byte at a time).</summary>
    public double[] SiteSecondsByByte { get; }
    public double[] SiteJoulesByByte { get; }
    public double[] GapMaxForward { get; }
    public double[] GapMaxBackward { get; }
    public double StageSumSeconds { get; }
    /// <summary>Σ of all stage times plus the weight update: the mask-independent part of time per batch.</summary>
    public double FixedSeconds { get; }
    public double FixedJoulesPerBatch { get; }
    public double StaticPowerWatts { get; }
    /// <summary>ulongs per packed mask (SiteMask layout).</summary>
    public int WordsPerMask => SiteMask.WordsFor(SiteCount);
}
