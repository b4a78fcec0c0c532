using System.CommandLine;
using DeepTrain.Launcher.Commands;

namespace DeepTrain.Launcher;

public static class Program
{
    /// <summary>Every subcommand, one factory per file in Commands/. Add a line here to add a command.</summary>
    private static readonly Func<Command>[] CommandFactories =
    [
        VersionCommand.Create,
        OptimizeCommand.Create,
        ZooCommand.Create,
        ArchCommand.Create,
        EstimateCommand.Create,
        ParetoCommand.Create,
        TrainCommand.Create,
        ReportCommand.Create,
        NodeCommand.Create,
        SweepCommand.Create,
    ];

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Entry point used by tests: parses, runs, and maps user errors to exit code 2.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // Oracle kinds that live outside the Model assembly (the registry is idempotent per kind).
        DeepTrain.Training.TrainOracle.Register();
        DeepTrain.Training.ProxyOracle.Register();
        var root = new RootCommand(
            "DeepTrain: training throughput, energy and normalization-site search for ReRAM-crossbar CNN accelerators.");
        foreach (var f in CommandFactories) root.Subcommands.Add(f());
        return Cli.Invoke(root, args, stdout, stderr);
    }
}
