using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Launcher.Commands;

/// <summary>Resolves --net (a zoo name or a network JSON file). Swappable so tests can inject networks.</summary>
public static class NetworkSource
{
    public static Func<string, Network> Resolver { get; set; } = DefaultResolve;

    public static Network Resolve(string nameOrPath)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new UserError("--net: no network given");
        return Resolver(nameOrPath);
    }

    private static Network DefaultResolve(string nameOrPath) => Zoo.Resolve(nameOrPath);
}
