using System.CommandLine;
using System.Reflection;

namespace DeepTrain.Launcher.Commands;

/// <summary>`deeptrain version`: prints the tool version and runtime.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var cmd = new Command("version", "Print the DeepTrain version and the .NET runtime it runs on.");
        cmd.SetAction(_ =>
        {
            var v = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
            Cli.Out.WriteLine($"deeptrain {v} on .NET {Environment.Version}");
            return Cli.ExitOk;
        });
        return cmd;
    }
}
