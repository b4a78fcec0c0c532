using BenchmarkDotNet.Attributes;
using DeepTrain.Model.Workloads;
using DeepTrain.Training;
using DeepTrain.Training.Optim;

namespace DeepTrain.Bench;

/// <summary>
/// Training throughput of the built-in trainer: one SGD step (forward, loss, backward, update) on a batch of 64,
/// all sites normalized; OperationsPerInvoke = batch, so the Mean column is time per training image (images/s =
/// 1 / Mean). Side-by-side PyTorch figure: tools/pytorch_throughput.py with the same network, batch and threads.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5, invocationCount: 4)]
public class TrainerBenchmarks
{
    private const int Batch = 64;
    private TrainableNetwork _net = null!;
    private int[] _labels = null!;

    [Params("plain24", "resnet20")] public string Net { get; set; } = "plain24";
    [Params(1, 2)] public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var network = Zoo.Get(Net);
        _net = new TrainableNetwork(network, SiteMask.All(network.SiteCount), Batch, Threads, seed: 0);
        var rng = new Rng(1);
        var x = new float[Batch * (int)network.InputShape.Elements];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextGaussian();
        _net.SetInput(x, Batch);
        _labels = new int[Batch];
        for (int i = 0; i < Batch; i++) _labels[i] = i % network.Classes;
    }

    [GlobalCleanup]
    public void Cleanup() => _net.Dispose();

    [Benchmark(OperationsPerInvoke = Batch)]
    public double TrainingStep()
    {
        double loss = _net.ForwardBackward(Batch, _labels);
        Sgd.Step(_net.Parameters, 0.01f, 0.9f, 5e-4f);
        return loss;
    }
}
