using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DeepTrain.Launcher.Output;
using DeepTrain.Model;
using DeepTrain.Model.Workloads;
using DeepTrain.Training;
using DeepTrain.Training.Data;

namespace DeepTrain.Launcher.Commands;

/// <summary>
/// `deeptrain train --net plain24 --norm mask:… --epochs 5 --seed 0 [--json]`: one training run of the built-in
/// trainer with normalization at the chosen sites — the same code path as the train: oracle.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var net = new Option<string>("--net") { Description = "Zoo name, network JSON file or ONNX file (.onnx).", DefaultValueFactory = _ => "plain24" };
        var norm = new Option<string>("--norm")
        {
            Description = "Sites: all, none, every:K, … (see docs/MASKS.md).",
            DefaultValueFactory = _ => "all",
        };
        var epochs = Cli.IntOption("--epochs", "Training epochs.", 5, 1, 10_000);
        var seed = Cli.UInt64Option("--seed", "Seed (weights, shuffling).", 0);
        var threads = Cli.IntOption("--threads", "Threads (same result for any count).",
            Environment.ProcessorCount, 1, 1024);
        var batch = Cli.IntOption("--batch", "Batch size.", 64, 1, 65_536);
        var lr = Cli.DoubleOption("--lr", "Peak learning rate (one-cycle).", 0.05, 1e-12, 100);
        var schedule = new Option<string>("--schedule") { Description = "onecycle, cosine or constant.", DefaultValueFactory = _ => "onecycle" };
        var difficulty = Cli.DoubleOption("--difficulty", "Generated data: 0 (easy) … 1 (hard).", 0.5, 0, 1);
        var trainImages = Cli.IntOption("--train-images", "Train images (cap for CIFAR).", 4000, 1, 10_000_000);
        var testImages = Cli.IntOption("--test-images", "Test images (generated data).", 1000, 1, 10_000_000);
        var cifar = new Option<string?>("--cifar") { Description = "Directory with the CIFAR-10/100 binary files (data_batch_*.bin / train.bin); default: generated data." };
        var export = new Option<string?>("--export")
        {
            Description = "Write the network, initial weights, batches and losses of the first --export-steps steps to this "
                          + "directory for tools/pytorch_compare.py, and stop there.",
        };
        var exportSteps = Cli.IntOption("--export-steps", "Steps recorded by --export.", 10, 1, 100_000);
        var proxy = new Option<bool>("--proxy")
        {
            Description = "Print the trainability PROXY score (one forward/backward at initialization; not an accuracy) instead of training.",
        };
        var json = Cli.JsonOption();
        json.Description = "Print one JSON object: accuracy (percent, test set), trainLoss, seconds, and the run's settings.";
        var quiet = Cli.QuietOption();
        var cmd = new Command("train",
            "Train a network with the built-in pure-C# trainer (float32, SGD with momentum, one-cycle learning rate) with "
            + "batch normalization at exactly the chosen sites; print test accuracy, final training loss and time. "
            + "Default data for plain networks: generated 16×16 images, 10 classes, 4000 train / 1000 test. See docs/TRAINER.md.");
        foreach (var o in new Option[] { net, norm, epochs, seed, threads, batch, lr, schedule, difficulty, trainImages, testImages, cifar, export, exportSteps, proxy, json, quiet })
            cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var network = NetworkSource.Resolve(parse.GetValue(net)!);
            var mask = MaskSpec.Parse(parse.GetValue(norm)!, network.SiteCount);
            var config = new TrainConfig
            {
                Epochs = parse.GetValue(epochs), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads),
                BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                Schedule = ParseSchedule(parse.GetValue(schedule)!),
            };
            config.Validate();
            if (parse.GetValue(trainImages) < 1 || parse.GetValue(testImages) < 1) throw new UserError("--train-images and --test-images must be at least 1");
            var data = TrainingData.For(network, parse.GetValue(cifar), parse.GetValue(difficulty), parse.GetValue(trainImages), parse.GetValue(testImages));
            bool asJson = parse.GetValue(json);
            int steps = config.Epochs * ((data.Train.Count + Math.Min(config.BatchSize, data.Train.Count) - 1) / Math.Min(config.BatchSize, data.Train.Count));
            TrainResult result;
            if (parse.GetValue(proxy))
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                double score = TrainabilityProxy.Score(network, mask, data.Train, config.Seed, config.BatchSize, config.Threads);
                string text = double.IsNegativeInfinity(score) ? "null" : score.ToString("G6", CultureInfo.InvariantCulture);
                Cli.Out.WriteLine(parse.GetValue(json)
                    ? $"{{\"proxy\":{text},\"milliseconds\":{clock.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)},\"mask\":\"{mask}\"}}"
                    : $"trainability proxy (not an accuracy) {text}  ({clock.Elapsed.TotalMilliseconds:F0} ms, mask {mask})");
                return Cli.ExitOk;
            }
            if (parse.GetValue(export) is { } dir)
            {
                result = TrainExport.Run(network, mask, data, config, parse.GetValue(exportSteps), dir);
                Cli.Out.WriteLine($"exported {result.Steps} steps of {network.Name} (mask {mask}) to {dir}");
                return Cli.ExitOk;
            }
            using (var progress = new Progress($"train {network.Name}", steps, quiet: parse.GetValue(quiet), writer: Cli.Err,
                                                live: Console.IsErrorRedirected || Cli.Err != Console.Error ? false : null))
                result = Trainer.Run(network, mask, data, config, new ProgressAdapter(progress));
            if (asJson) WriteJson(Cli.Out, network, mask, config, data, result);
            else WriteText(Cli.Out, network, mask, config, data, result);
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static DeepTrain.Training.Optim.LearningRateSchedule ParseSchedule(string s) => s.Trim().ToLowerInvariant() switch
    {
        "onecycle" or "one-cycle" => DeepTrain.Training.Optim.LearningRateSchedule.OneCycle,
        "cosine" => DeepTrain.Training.Optim.LearningRateSchedule.Cosine,
        "constant" => DeepTrain.Training.Optim.LearningRateSchedule.Constant,
        _ => throw new UserError($"--schedule '{s}': expected onecycle, cosine or constant"),
    };

    private sealed class ProgressAdapter(Progress p) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress v) =>
            p.Advance(1, $"epoch {v.Epoch}/{v.Epochs}  loss {v.MeanLossThisEpoch.ToString("F3", CultureInfo.InvariantCulture)}");
    }

    private static void WriteText(TextWriter w, Network n, SiteMask m, TrainConfig c, DataSplit d, TrainResult r)
    {
        w.WriteLine($"network      {n.Name}  ({m.Count} of {n.SiteCount} normalization sites: {m})");
        w.WriteLine($"data         {d.Train.Name} {d.Train.Count} / {d.Test.Name} {d.Test.Count}, {d.Train.Shape}, {d.Train.Classes} classes");
        w.WriteLine($"training     {c.Epochs} epochs, batch {c.BatchSize}, peak lr {c.LearningRate}, seed {c.Seed}, {c.Threads} threads, float32");
        w.WriteLine($"accuracy     {Units.Percent(r.AccuracyPercent)} (test set){(r.Diverged ? "  — training diverged (non-finite loss)" : "")}");
        w.WriteLine($"train loss   {(double.IsNaN(r.TrainLoss) ? "NaN" : r.TrainLoss.ToString("F4", CultureInfo.InvariantCulture))} (mean over the last epoch)");
        w.WriteLine($"time         {Units.Seconds(r.Seconds)} ({Units.Sig(r.TrainImagesPerSecond, 3)} training images/s)");
    }

    private static void WriteJson(TextWriter w, Network n, SiteMask m, TrainConfig c, DataSplit d, TrainResult r)
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms))
        {
            j.WriteStartObject();
            j.WriteNumber("accuracy", Math.Round(r.AccuracyPercent, 4));
            if (double.IsFinite(r.TrainLoss)) j.WriteNumber("trainLoss", r.TrainLoss); else j.WriteNull("trainLoss");
            j.WriteNumber("seconds", Math.Round(r.Seconds, 3));
            j.WriteBoolean("diverged", r.Diverged);
            j.WriteString("net", n.Name);
            j.WriteString("mask", m.ToString());
            j.WriteNumber("activeSites", m.Count);
            j.WriteNumber("seed", c.Seed);
            j.WriteNumber("epochs", c.Epochs);
            j.WriteNumber("batch", c.BatchSize);
            j.WriteNumber("threads", c.Threads);
            j.WriteNumber("trainImages", d.Train.Count);
            j.WriteNumber("testImages", d.Test.Count);
            j.WriteNumber("imagesPerSecond", Math.Round(r.TrainImagesPerSecond, 1));
            j.WriteStartArray("epochLosses");
            foreach (var l in r.EpochLosses) if (double.IsFinite(l)) j.WriteNumberValue(l); else j.WriteNullValue();
            j.WriteEndArray();
            j.WriteEndObject();
        }
        w.WriteLine(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }
}
