using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DeepTrain.Tests.Search;

/// <summary>The short form of tools/kill_campaign.sh (issue 12): a few SIGKILLs of optimize and of sweep at random
/// moments, each resumed. The long form (≥ 20 kills each) is the same script with --kills 20 (docs/RELIABILITY.md).</summary>
[Trait("Category", "KillCampaign")]
public sealed class KillCampaignTests
{
    [Fact]
    public async Task KilledAndResumedRunsLoseNothingLeaveNoOracleBehindAndEqualTheUninterruptedOnes()
    {
        if (!OperatingSystem.IsLinux()) return;
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "tools", "kill_campaign.sh"))) root = Path.GetDirectoryName(root)!;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(root, "tools", "kill_campaign.sh"), "--kills", "2", "--seed", "7" }) psi.ArgumentList.Add(a);
        psi.Environment["DEEPTRAIN"] = $"{dotnet} {Path.Combine(AppContext.BaseDirectory, "deeptrain.dll")}";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(240_000), "the kill campaign did not finish");
        Assert.True(p.ExitCode == 0, output + await err);

        var opt = Regex.Match(output, @"optimize: kills=(\d+) trials=(\d+) lost=(\d+) repeated_in_flight=(\d+) repeated_completed=(\d+) orphans=(\d+) equal=(\d+)/(\d+)");
        Assert.True(opt.Success, output);
        Assert.Equal(2, int.Parse(opt.Groups[1].Value));
        Assert.Equal("0", opt.Groups[3].Value); // observations lost
        Assert.Equal("0", opt.Groups[6].Value); // oracle processes alive after a kill
        Assert.Equal(opt.Groups[8].Value, opt.Groups[7].Value); // every final study equals the uninterrupted one
        var sweep = Regex.Match(output, @"sweep: kills=(\d+) trials=(\d+) equal=(\d+)/(\d+)");
        Assert.True(sweep.Success, output);
        Assert.Equal(2, int.Parse(sweep.Groups[1].Value));
        Assert.Equal(sweep.Groups[4].Value, sweep.Groups[3].Value);
    }
}
