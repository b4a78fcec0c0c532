using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(DeepTrain.Bench.BenchMarker).Assembly).Run(args);

namespace DeepTrain.Bench
{
    /// <summary>Anchor type for the benchmark switcher.</summary>
    public sealed class BenchMarker { }
}
