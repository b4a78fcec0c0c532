using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench -- --filter '*'
if (args.Length > 0 && args[0] == "search") { DeepTrain.Bench.SearchSuiteBenchmark.Run(args[1..]); return; }
if (args.Length > 0 && args[0] == "cluster") { DeepTrain.Bench.ClusterBenchmarks.Run(args[1..]); return; }
BenchmarkSwitcher.FromAssembly(typeof(DeepTrain.Bench.BenchMarker).Assembly).Run(args);

namespace DeepTrain.Bench
{
    /// <summary>Anchor type for the benchmark switcher.</summary>
    public sealed class BenchMarker { }
}
