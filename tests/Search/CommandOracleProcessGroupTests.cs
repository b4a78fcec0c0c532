using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using DeepTrain.Model;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Search;

/// <summary>Issue 12 items 11 and 12: a command oracle runs in its own process group, is not waited for beyond a short
/// grace after it exits, is killed with its whole group on timeout, and dies with the process that started it.</summary>
public sealed class CommandOracleProcessGroupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dt-procs-").FullName;
    private readonly List<int> _groups = new();

    public void Dispose()
    {
        foreach (var g in _groups) if (OracleProcess.GroupAlive(g)) _ = kill(-g, 9);
        Directory.Delete(_dir, recursive: true);
    }

    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int sig);

    private string Script(string name, string body)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllText(p, body.Replace("$DIR", _dir) + "\n");
        return p;
    }

    private static OracleRequest Req() => new(SiteMask.Parse("1111", 4), "net", 1);

    private static bool Alive(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0] != 'Z'; }
        catch (IOException) { return false; }
    }

    /// <summary>Polls a condition about another process (there is no event to wait on for a process we did not start).</summary>
    private static async Task<bool> Within(TimeSpan limit, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) return false;
            await Task.Delay(50);
        }
        return true;
    }

    private static int ReadInt(string path) => int.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void OraclesRunIsolatedOnLinux()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(OracleProcess.Isolated, "setsid and setpriv (util-linux) are expected on Linux");
    }

    [Fact]
    public async Task AnOracleWhoseBackgroundChildHoldsStdoutEndsWhenItsMainProcessExits()
    {
        // Issue reproducer: the child kept the call alive for 20 s under --oracle-timeout 3.
        var s = Script("bg.sh", "sleep 20 & echo $! > $DIR/child; echo '{\"accuracy\": 90}'");
        var o = new CommandOracle($"/bin/sh {s}", TimeSpan.FromSeconds(15));
        var clock = Stopwatch.StartNew();
        var r = await o.EvaluateAsync(Req(), CancellationToken.None);
        Assert.True(r.Succeeded, r.Error);
        Assert.Equal(90, r.AccuracyPercent);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"the call lasted {clock.Elapsed.TotalSeconds:F1} s: it waited for the child");
        int child = ReadInt(Path.Combine(_dir, "child"));
        Assert.True(await Within(TimeSpan.FromSeconds(5), () => !Alive(child)), "the left-over child was not killed with the call's group");
    }

    [Fact]
    public async Task ATimedOutOracleIsKilledWithItsWholeProcessGroupAndTheFailureSaysSo()
    {
        var s = Script("slow.sh", "sleep 30 & echo $! > $DIR/child; cut -d' ' -f5 /proc/$$/stat > $DIR/pg.tmp; mv $DIR/pg.tmp $DIR/pg; sleep 30");
        var o = new CommandOracle($"/bin/sh {s}", TimeSpan.FromSeconds(3));
        var r = await o.EvaluateAsync(Req(), CancellationToken.None);
        Assert.False(r.Succeeded);
        var m = Regex.Match(r.Error!, @"^timed out after 3 s; killed process group (\d+)");
        Assert.True(m.Success, r.Error);
        int group = int.Parse(m.Groups[1].Value);
        _groups.Add(group);
        Assert.Equal(ReadInt(Path.Combine(_dir, "pg")), group);
        Assert.True(await Within(TimeSpan.FromSeconds(5), () => !OracleProcess.GroupAlive(group)), "the group outlived the timeout");
        Assert.False(Alive(ReadInt(Path.Combine(_dir, "child"))));
    }

    [Fact]
    public async Task CancellingACallKillsItsGroup()
    {
        var s = Script("hang.sh", "cut -d' ' -f5 /proc/$$/stat > $DIR/pg.tmp; mv $DIR/pg.tmp $DIR/pg; sleep 30 & wait");
        var o = new CommandOracle($"/bin/sh {s}", TimeSpan.FromSeconds(60));
        using var cts = new CancellationTokenSource();
        var call = o.EvaluateAsync(Req(), cts.Token);
        var pg = Path.Combine(_dir, "pg");
        Assert.True(await Within(TimeSpan.FromSeconds(30), () => File.Exists(pg)), "the oracle did not start");
        int group = ReadInt(pg);
        _groups.Add(group);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(await Within(TimeSpan.FromSeconds(5), () => !OracleProcess.GroupAlive(group)));
    }

    [Fact]
    public void PlaceholdersAreRefusedInTheProgramPosition()
    {
        var e = Assert.Throws<OracleError>(() => new CommandOracle("/x/bin/{net} --mask {mask}", TimeSpan.FromSeconds(1)));
        Assert.Contains("placeholder", e.Message);
    }

    [Fact]
    public async Task KilledOptimizeTakesItsOracleProcessGroupWithIt()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Issue reproducer: kill -9 of optimize left its oracle children running.
        var s = Script("train.sh", "cut -d' ' -f5 /proc/$$/stat > $DIR/pg.tmp; mv $DIR/pg.tmp $DIR/pg; sleep 60 & sleep 60");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "deeptrain.dll"), "optimize", "--sites", "4", "--objective", "sites",
                     "--oracle", $"command:/bin/sh {s}", "--budget", "2", "--oracle-timeout", "300", "--out", Path.Combine(_dir, "study.jsonl"), "-q" })
            psi.ArgumentList.Add(a);
        using var optimize = Process.Start(psi)!;
        var pg = Path.Combine(_dir, "pg");
        try
        {
            Assert.True(await Within(TimeSpan.FromSeconds(90), () => File.Exists(pg) || optimize.HasExited),
                "optimize did not start its oracle");
            Assert.False(optimize.HasExited, optimize.HasExited ? optimize.StandardError.ReadToEnd() : "");
            int group = ReadInt(pg);
            _groups.Add(group);
            Assert.True(OracleProcess.GroupAlive(group));
            optimize.Kill(); // SIGKILL: no handler of ours runs
            await optimize.WaitForExitAsync();
            Assert.True(await Within(TimeSpan.FromSeconds(10), () => !OracleProcess.GroupAlive(group)),
                $"oracle process group {group} outlived the killed optimize");
        }
        finally { if (!optimize.HasExited) optimize.Kill(entireProcessTree: true); }
    }
}
