using System.Diagnostics;
using System.Text.Json;

namespace DeepTrain.Tests.Training;

/// <summary>A fact that is skipped, with the reason shown, when /usr/bin/python3 cannot import torch.</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute()
    {
        if (!PyTorch.Available) Skip = "skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch to run the PyTorch bridge test)";
    }
}

internal static class PyTorch
{
    public const string Python = "/usr/bin/python3";
    private static readonly Lazy<bool> Probe = new(() =>
    {
        if (!File.Exists(Python)) return false;
        var (code, _, _) = Run(["-c", "import torch"], TimeSpan.FromSeconds(60));
        return code == 0;
    });
    public static bool Available => Probe.Value;

    public static (int Code, string Out, string Err) Run(IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = "1";
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync(); var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(entireProcessTree: true); return (-1, o.Result, "timeout"); }
        return (p.ExitCode, o.Result, e.Result);
    }

    public static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DeepTrain.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), relative);
    }
}

public class PyTorchBridgeTests
{
    /// <summary>The command-oracle protocol: mask, net and seed from the environment; last stdout line {"accuracy": …}.</summary>
    [TorchFact]
    public void TrainMaskRunsAFewStepsOnCpuAndPrintsTheAccuracyLine()
    {
        var env = new Dictionary<string, string> { ["DEEPTRAIN_MASK"] = "10101010", ["DEEPTRAIN_NET"] = "plain8", ["DEEPTRAIN_SEED"] = "3" };
        var (code, o, e) = PyTorch.Run([PyTorch.RepoFile("examples/pytorch/train_mask.py"), "--steps", "3", "--train-images", "256",
                                        "--test-images", "64", "--device", "cpu"], TimeSpan.FromSeconds(120), env);
        Assert.True(code == 0, e);
        string last = o.TrimEnd().Split('\n')[^1];
        using var doc = JsonDocument.Parse(last);
        Assert.InRange(doc.RootElement.GetProperty("accuracy").GetDouble(), 0, 100);
        Assert.Contains("(4/8 sites)", e);
    }

    [TorchFact]
    public void TrainMaskRejectsAMaskOfTheWrongLength()
    {
        var (code, _, e) = PyTorch.Run([PyTorch.RepoFile("examples/pytorch/train_mask.py"), "--mask", "101", "--net", "plain8", "--steps", "1",
                                        "--train-images", "64", "--test-images", "16", "--device", "cpu"], TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, code);
        Assert.Contains("8 sites", e);
    }
}
