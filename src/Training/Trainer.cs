using System.Diagnostics;
using DeepTrain.Model;
using DeepTrain.Model.Workloads;
using DeepTrain.Training.Data;
using DeepTrain.Training.Optim;

namespace DeepTrain.Training;

/// <summary>Hyperparameters of one training run. The same values are used for every mask of a study, so accuracy
/// differences come from the normalization sites alone.</summary>
public sealed record TrainConfig
{
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 64;
    /// <summary>Peak learning rate of the schedule.</summary>
    public double LearningRate { get; init; } = 0.05;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.OneCycle;
    /// <summary>Worker threads. Results are bit-identical for any thread count (work is split into fixed chunks).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);
    /// <summary>Seeds the initial weights and the shuffling order.</summary>
    public ulong Seed { get; init; }
    /// <summary>Use only this many training images (0 = all).</summary>
    public int TrainLimit { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw new UserError($"epochs must be at least 1, not {Epochs}");
        if (BatchSize < 1) throw new UserError($"batch size must be at least 1, not {BatchSize}");
        if (!(LearningRate > 0)) throw new UserError($"learning rate must be positive, not {LearningRate}");
        if (Momentum is < 0 or >= 1) throw new UserError($"momentum must be in [0, 1), not {Momentum}");
        if (WeightDecay < 0) throw new UserError($"weight decay must be ≥ 0, not {WeightDecay}");
        if (Threads < 1) throw new UserError($"threads must be at least 1, not {Threads}");
    }
}

/// <summary>Where a run is: reported once per step.</summary>
public readonly record struct TrainProgress(int Epoch, int Epochs, int Step, int TotalSteps, double MeanLossThisEpoch);

/// <summary>Outcome of one training run.</summary>
public sealed record TrainResult
{
    /// <summary>Top-1 accuracy on the test set, percent.</summary>
    public required double AccuracyPercent { get; init; }
    /// <summary>Mean training loss over the last epoch (NaN when training diverged).</summary>
    public required double TrainLoss { get; init; }
    public required double Seconds { get; init; }
    public required double TrainImagesPerSecond { get; init; }
    public required IReadOnlyList<double> EpochLosses { get; init; }
    /// <summary>The loss became non-finite; training stopped and the network was evaluated as it was.</summary>
    public required bool Diverged { get; init; }
    public required int ActiveSites { get; init; }
    public required int Steps { get; init; }
}

/// <summary>
/// Trains a network of the IR with batch normalization at exactly the mask's active sites, on float32, and measures
/// test accuracy: SGD with momentum and weight decay, one-cycle (or cosine) learning rate, He initialization, no data
/// augmentation. Deterministic for a seed: the same seed gives the same bits, whatever the thread count.
/// </summary>
public static class Trainer
{
    public static Task<TrainResult> RunAsync(Network network, SiteMask mask, DataSplit data, TrainConfig config,
                                             IProgress<TrainProgress>? progress = null, CancellationToken ct = default) =>
        Task.Run(() => Run(network, mask, data, config, progress, ct), ct);

    public static TrainResult Run(Network network, SiteMask mask, DataSplit data, TrainConfig config,
                                  IProgress<TrainProgress>? progress = null, CancellationToken ct = default) =>
        Run(network, mask, data, config, progress, ct, hook: null);

    internal static TrainResult Run(Network network, SiteMask mask, DataSplit data, TrainConfig config,
                                    IProgress<TrainProgress>? progress, CancellationToken ct, IStepHook? hook)
    {
        config.Validate();
        CheckData(network, data);
        var clock = Stopwatch.StartNew();
        var train = data.Train;
        int count = config.TrainLimit > 0 ? Math.Min(config.TrainLimit, train.Count) : train.Count;
        int batch = Math.Min(config.BatchSize, count);
        int stepsPerEpoch = (count + batch - 1) / batch;
        int totalSteps = stepsPerEpoch * config.Epochs;
        using var net = new TrainableNetwork(network, mask, batch, config.Threads, config.Seed);
        var order = new int[count];
        var labels = new int[batch];
        var shuffle = new Rng(config.Seed, stream: 2);
        var epochLosses = new List<double>(config.Epochs);
        int e = (int)train.Shape.Elements;
        bool diverged = false, stopped = false;
        int step = 0;
        long imagesTrained = 0;
        hook?.Started(net);
        for (int epoch = 0; epoch < config.Epochs && !diverged && !stopped; epoch++)
        {
            for (int i = 0; i < count; i++) order[i] = i;
            shuffle.Shuffle(order);
            double sum = 0; int seen = 0;
            for (int s = 0; s < stepsPerEpoch; s++, step++)
            {
                ct.ThrowIfCancellationRequested();
                int start = s * batch, n = Math.Min(batch, count - start);
                var input = net.InputBuffer;
                for (int b = 0; b < n; b++)
                {
                    int idx = order[start + b];
                    train.Images.AsSpan(idx * e, e).CopyTo(input.Slice(b * e, e));
                    labels[b] = train.Labels[idx];
                }
                double loss = net.ForwardBackward(n, labels);
                if (!double.IsFinite(loss)) { diverged = true; break; }
                float lr = (float)LearningRates.At(config.Schedule, config.LearningRate, step, totalSteps);
                if (hook is not null && !hook.Step(step, order.AsSpan(start, n), loss, lr)) { stopped = true; step++; sum += loss * n; seen += n; break; }
                Sgd.Step(net.Parameters, lr, (float)config.Momentum, (float)config.WeightDecay);
                sum += loss * n; seen += n; imagesTrained += n;
                progress?.Report(new TrainProgress(epoch + 1, config.Epochs, step + 1, totalSteps, sum / seen));
            }
            epochLosses.Add(diverged ? double.NaN : sum / seen);
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        double accuracy = Evaluate(net, data.Test);
        return new TrainResult
        {
            AccuracyPercent = accuracy,
            TrainLoss = diverged ? double.NaN : epochLosses[^1],
            Seconds = clock.Elapsed.TotalSeconds,
            TrainImagesPerSecond = imagesTrained / Math.Max(trainSeconds, 1e-9),
            EpochLosses = epochLosses,
            Diverged = diverged,
            ActiveSites = mask.Count,
            Steps = step,
        };
    }

    /// <summary>Top-1 accuracy in percent, evaluation mode (running statistics). Non-finite logits count as wrong.</summary>
    public static double Evaluate(TrainableNetwork net, ImageDataset test)
    {
        int e = (int)test.Shape.Elements, classes = net.Network.Classes, correct = 0;
        for (int start = 0; start < test.Count; start += net.MaxBatch)
        {
            int n = Math.Min(net.MaxBatch, test.Count - start);
            net.SetInput(test.Images.AsSpan(start * e, n * e), n);
            var logits = net.Forward(n, training: false);
            for (int b = 0; b < n; b++)
            {
                var z = logits.Slice(b * classes, classes);
                int arg = -1; float best = float.NegativeInfinity;
                for (int k = 0; k < classes; k++) if (z[k] > best) { best = z[k]; arg = k; }
                if (arg == test.Labels[start + b]) correct++;
            }
        }
        return 100.0 * correct / test.Count;
    }

    /// <summary>Observes a run step by step (the PyTorch comparison export).</summary>
    internal interface IStepHook
    {
        void Started(TrainableNetwork network);
        /// <summary>Called after the loss of a step, before the update; return false to stop.</summary>
        bool Step(int step, ReadOnlySpan<int> imageIndices, double loss, float learningRate);
    }

    private static void CheckData(Network network, DataSplit data)
    {
        foreach (var set in new[] { data.Train, data.Test })
        {
            if (set.Shape != network.InputShape)
                throw new UserError($"{network.Name} takes {network.InputShape} images but data set '{set.Name}' has {set.Shape}");
            if (set.Classes != network.Classes)
                throw new UserError($"{network.Name} has {network.Classes} classes but data set '{set.Name}' has {set.Classes}");
        }
    }
}
