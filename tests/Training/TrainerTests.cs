using DeepTrain.Model;
using DeepTrain.Model.Workloads;
using DeepTrain.Training;
using DeepTrain.Training.Data;
using Xunit.Abstractions;

namespace DeepTrain.Tests.Training;

public class TrainerTests(ITestOutputHelper output)
{
    private static readonly DataSplit Small = GeneratedImages.Create(new GeneratedImagesOptions
    {
        Size = 8, TrainCount = 240, TestCount = 120, Difficulty = 0.3,
    });

    private static readonly TrainConfig Quick = new() { Epochs = 2, BatchSize = 32, Threads = 1 };

    [Fact]
    public void SameSeedGivesTheSameBitsWhateverTheThreadCount()
    {
        var net = NetSketch.Plain(6, width: 8, size: 8);
        var mask = SiteMask.Parse("101001", 6);
        var one = Trainer.Run(net, mask, Small, Quick);
        var two = Trainer.Run(net, mask, Small, Quick with { Threads = 2 });
        var again = Trainer.Run(net, mask, Small, Quick with { Threads = 2 });
        Assert.Equal(one.EpochLosses, two.EpochLosses);
        Assert.Equal(one.AccuracyPercent, two.AccuracyPercent);
        Assert.Equal(two.EpochLosses, again.EpochLosses);
        var other = Trainer.Run(net, mask, Small, Quick with { Seed = 1 });
        Assert.NotEqual(one.EpochLosses, other.EpochLosses);
    }

    [Fact]
    public void ANormalizedPlainNetworkLearnsTheGeneratedTask()
    {
        var net = NetSketch.Plain(6, width: 8, size: 8);
        var r = Trainer.Run(net, SiteMask.All(6), Small, Quick with { Epochs = 6, LearningRate = 0.1, Threads = 2 });
        output.WriteLine($"accuracy {r.AccuracyPercent:F1} %, losses {string.Join(", ", r.EpochLosses.Select(l => l.ToString("F3")))}");
        Assert.False(r.Diverged);
        Assert.True(r.EpochLosses[^1] < r.EpochLosses[0], "loss should fall");
        Assert.True(r.AccuracyPercent > 30, $"accuracy {r.AccuracyPercent} % (chance is 10 %)");
    }

    [Fact]
    public void AResidualNetworkWithOptionAShortcutsTrains()
    {
        var net = NetSketch.CifarResNet(1, size: 8, channels: 1, baseWidth: 4);
        var r = Trainer.Run(net, SiteMask.All(net.SiteCount), Small, Quick with { Epochs = 1 });
        Assert.False(r.Diverged);
        Assert.InRange(r.TrainLoss, 0.1, 3.0);
    }

    [Fact]
    public async Task RunAsyncHonoursCancellation()
    {
        var net = NetSketch.Plain(3, width: 4, size: 8);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Step == 2) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Trainer.RunAsync(net, SiteMask.All(3), Small, Quick, progress, cts.Token));
    }

    [Fact]
    public void MismatchedDataIsAUserError()
    {
        var net = NetSketch.Plain(3, width: 4, size: 16);
        Assert.Throws<UserError>(() => Trainer.Run(net, SiteMask.All(3), Small, Quick));
        Assert.Throws<UserError>(() => Trainer.Run(NetSketch.Plain(3, width: 4, size: 8), SiteMask.All(3), Small, Quick with { Epochs = 0 }));
    }

    private sealed class SyncProgress(Action<TrainProgress> f) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => f(value);
    }
}
