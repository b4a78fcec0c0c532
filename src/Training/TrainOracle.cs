using System.Globalization;
using DeepTrain.Model;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Workloads;
using DeepTrain.Training.Data;

namespace DeepTrain.Training;

/// <summary>
/// The built-in trainer as an accuracy oracle: train the network with normalization at the mask's active sites and
/// return the test accuracy in percent (the mean over <see cref="Seeds"/> when several are given). Same code path as
/// <c>deeptrain train</c>. The data set is built once and shared by every call; calls may run concurrently.
/// Spec text (after <c>train:</c>): comma-separated key=value pairs, all optional —
/// <c>epochs=5, seeds=0+1+2 (or 0..2), lr=0.05, batch=64, threads=N, difficulty=0.5, train=4000, test=1000, cifar=DIR</c>.
/// </summary>
public sealed class TrainOracle : IAccuracyOracle
{
    public TrainOracle(Network network, TrainConfig config, IReadOnlyList<ulong> seeds, DataSplit data)
    {
        if (seeds.Count == 0) throw new UserError("train oracle: at least one seed");
        config.Validate();
        Network = network; Config = config; Seeds = seeds; Data = data;
    }

    /// <summary>Registers the <c>train:</c> kind with the search's <see cref="OracleRegistry"/>; the network comes
    /// from the study's --net (a zoo name or JSON file).</summary>
    public static void Register() =>
        OracleRegistry.Register("train", (arg, ctx) =>
        {
            if (string.IsNullOrWhiteSpace(ctx.Network))
                throw new OracleError("--oracle train: needs --net (the network to train)");
            return Parse(arg, Zoo.Resolve(ctx.Network));
        });

    string IAccuracyOracle.Name => "train:" + Description;

    /// <summary>Search-interface entry: trains with the mask; the request seed shifts every training seed, so repeated
    /// reference measurements (seeds 0, 1, …) start from different weights. Training that diverges is still a valid
    /// (low) accuracy; only an exception from the trainer is a failure.</summary>
    async Task<OracleResult> IAccuracyOracle.EvaluateAsync(OracleRequest request, CancellationToken cancellationToken)
    {
        double acc = await AccuracyAsync(request.Mask, (ulong)Math.Max(0, request.Seed), cancellationToken).ConfigureAwait(false);
        return double.IsFinite(acc) && acc is >= 0 and <= 100
            ? OracleResult.Ok(acc)
            : OracleResult.Failed($"train oracle: accuracy {acc} is not a percentage");
    }

    public Network Network { get; }
    public TrainConfig Config { get; }
    public IReadOnlyList<ulong> Seeds { get; }
    public DataSplit Data { get; }

    public string Description =>
        $"train:{Network.Name} epochs={Config.Epochs} seeds={string.Join('+', Seeds)} lr={Config.LearningRate.ToString(CultureInfo.InvariantCulture)} batch={Config.BatchSize} data={Data.Train.Name}/{Data.Train.Count}";

    /// <summary>Mean test accuracy (percent) over the seeds. A diverged run counts with the accuracy it has (usually 0–10 %).</summary>
    public Task<double> AccuracyAsync(SiteMask mask, CancellationToken ct = default) => AccuracyAsync(mask, 0, ct);

    /// <summary>As above with every seed shifted by <paramref name="seedOffset"/> (a search's request seed, so that
    /// repeated reference measurements use different initial weights).</summary>
    public async Task<double> AccuracyAsync(SiteMask mask, ulong seedOffset, CancellationToken ct = default)
    {
        if (mask.Length != Network.SiteCount)
            throw new OracleError($"train oracle: mask has {mask.Length} sites, {Network.Name} has {Network.SiteCount}");
        double sum = 0;
        foreach (var seed in Seeds)
        {
            var r = await Trainer.RunAsync(Network, mask, Data, Config with { Seed = seed + seedOffset }, progress: null, ct).ConfigureAwait(false);
            sum += r.AccuracyPercent;
        }
        return sum / Seeds.Count;
    }

    public static TrainOracle Parse(string spec, Network network)
    {
        var config = new TrainConfig();
        var seeds = new List<ulong> { 0 };
        double difficulty = 0.5; int train = 4000, test = 1000; string? cifar = null;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new UserError($"train oracle: '{part}' is not key=value");
            string key = part[..eq].Trim().ToLowerInvariant(), v = part[(eq + 1)..].Trim();
            switch (key)
            {
                case "epochs": config = config with { Epochs = Int(key, v) }; break;
                case "lr": config = config with { LearningRate = Dbl(key, v) }; break;
                case "batch": config = config with { BatchSize = Int(key, v) }; break;
                case "threads": config = config with { Threads = Int(key, v) }; break;
                case "seed" or "seeds": seeds = ListSyntax.NonNegativeIntegers(v, $"train oracle: {key}", max: int.MaxValue).Select(t => (ulong)t).ToList(); break;
                case "difficulty": difficulty = Dbl(key, v); break;
                case "train": train = Int(key, v); break;
                case "test": test = Int(key, v); break;
                case "cifar": cifar = v; break;
                default: throw new UserError($"train oracle: unknown key '{key}' (epochs, seeds, lr, batch, threads, difficulty, train, test, cifar)");
            }
        }
        return new TrainOracle(network, config, seeds, TrainingData.For(network, cifar, difficulty, train, test));
    }

    private static int Int(string key, string v) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) && x >= 0 ? x
            : throw new UserError($"train oracle: {key}={v} is not a non-negative integer");

    private static double Dbl(string key, string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x
            : throw new UserError($"train oracle: {key}={v} is not a number");
}
