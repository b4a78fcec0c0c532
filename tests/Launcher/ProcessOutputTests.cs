using System.Diagnostics;
using System.Text.Json;

namespace DeepTrain.Tests.Launcher;

/// <summary>The real `deeptrain` process: stdout carries results only (the actors' own logging must not leak into it).</summary>
public class ProcessOutputTests
{
    private static (int Code, string Out, string Err) Deeptrain(params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "deeptrain.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string o = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "deeptrain did not exit");
        return (p.ExitCode, o, err.Result);
    }

    [Fact]
    public void OptimizeJsonIsTheOnlyThingOnStdoutAndAnOracleErrorIsOneLine()
    {
        var log = Path.GetTempFileName();
        var ok = Deeptrain("optimize", "--oracle", "synthetic:critical-10-2-1", "--objective", "sites", "--budget", "8", "--out", log, "--json");
        Assert.True(ok.Code == 0, ok.Err);
        var line = Assert.Single(ok.Out.TrimEnd().Split('\n'));
        Assert.Equal(8, JsonDocument.Parse(line).RootElement.GetProperty("oracleCalls").GetInt32());

        var table = Path.GetTempFileName();
        File.WriteAllText(table, "mask,accuracy\n111,91\n");
        var bad = Deeptrain("optimize", "--oracle", "table:" + table, "--sites", "3", "--objective", "sites", "--budget", "5", "--out", Path.GetTempFileName(), "-q");
        Assert.Equal(2, bad.Code);
        Assert.Equal("", bad.Out);
        Assert.Contains("not in", Assert.Single(bad.Err.TrimEnd().Split('\n')));
    }
}
