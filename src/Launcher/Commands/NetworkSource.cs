using DeepTrain.Model;
using DeepTrain.Model.Workloads;
using DeepTrain.Model.Workloads.Onnx;

namespace DeepTrain.Launcher.Commands;

/// <summary>Resolves --net (a zoo name, a network JSON file or an ONNX model). Swappable so tests can inject networks.</summary>
public static class NetworkSource
{
    public static Func<string, Network> Resolver { get; set; } = DefaultResolve;

    public static Network Resolve(string nameOrPath)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new UserError("--net: no network given");
        return Resolver(nameOrPath);
    }

    /// <summary>ONNX files go through <see cref="OnnxImport"/>; its warnings (e.g. BN folded into the convolutions by
    /// an eval-mode export) go to stderr, so stdout and --json stay clean.</summary>
    private static Network DefaultResolve(string nameOrPath)
    {
        if (!nameOrPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return Zoo.Resolve(nameOrPath);
        var result = OnnxImport.Read(nameOrPath);
        foreach (var w in result.Warnings) Cli.Err.WriteLine("warning: " + w);
        return result.Network;
    }
}
