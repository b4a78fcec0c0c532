using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DeepTrain.Model.Search.Oracles;

/// <summary>
/// How a command oracle's process is started so that nothing it starts outlives the call or this process
/// (docs/SEARCH.md "Oracle processes"). On Linux, with util-linux's <c>setsid</c> and <c>setpriv</c> present (Debian
/// and most distributions ship both), a call is started as
/// <code>setsid -- setpriv --pdeathsig TERM -- /bin/sh -c 'trap "kill -KILL 0" TERM; "$@" &amp; wait $!' deeptrain-oracle PROGRAM ARG…</code>
/// <list type="bullet">
/// <item><c>setsid</c> makes the call the leader of a new session and process group whose id is the pid .NET
/// sees (a child of .NET is never a group leader, so setsid does not fork);</item>
/// <item><c>setpriv --pdeathsig TERM</c> asks the kernel (PR_SET_PDEATHSIG) to send SIGTERM to that leader when its
/// parent dies — kill -9 of <c>optimize</c> included;</item>
/// <item>the small POSIX shell keeper runs the program in the background, passes its exit status on, and on SIGTERM
/// kills its whole process group with SIGKILL, so the program's own children (a training script's data loaders, a
/// stray <c>sleep</c>) die too. The program and its arguments are passed as "$@": no shell parsing of them.</item>
/// </list>
/// PR_SET_PDEATHSIG fires when the <em>thread</em> that forked the child ends, not the process; .NET forks on the
/// calling thread and retires idle pool threads, so every call is started from one dedicated, never-ending thread.
/// On timeout or cancellation the caller kills the group (kill(-pgid, SIGKILL)). A process that moves itself to
/// another group or session (setsid, a daemon) escapes all of this. Without the two tools (or off Linux) the program
/// is started directly and only its process tree is killed on timeout, as before.
/// </summary>
public static class OracleProcess
{
    private static readonly string? SetsidPath = Which("setsid");
    private static readonly string? SetprivPath = Which("setpriv");
    public const string Keeper = "trap 'kill -KILL 0' TERM; \"$@\" & wait $!";

    /// <summary>True when calls run in their own process group and die with this process.</summary>
    public static bool Isolated { get; } = OperatingSystem.IsLinux() && SetsidPath is not null && SetprivPath is not null && File.Exists("/bin/sh");

    public static ProcessStartInfo StartInfo(IReadOnlyList<string> argv)
    {
        ProcessStartInfo psi;
        if (Isolated)
        {
            psi = new ProcessStartInfo(SetsidPath!);
            foreach (var a in new[] { "--", SetprivPath!, "--pdeathsig", "TERM", "--", "/bin/sh", "-c", Keeper, "deeptrain-oracle" })
                psi.ArgumentList.Add(a);
            foreach (var a in argv) psi.ArgumentList.Add(a);
        }
        else
        {
            psi = new ProcessStartInfo(argv[0]);
            for (int i = 1; i < argv.Count; i++) psi.ArgumentList.Add(argv[i]);
        }
        psi.RedirectStandardOutput = psi.RedirectStandardError = psi.RedirectStandardInput = true;
        psi.UseShellExecute = false; psi.CreateNoWindow = true;
        return psi;
    }

    /// <summary>Starts the process from the dedicated spawner thread. Throws <see cref="System.ComponentModel.Win32Exception"/>
    /// when the program cannot be found (checked before the keeper shell would report it as exit code 127).</summary>
    public static Task<Process> StartAsync(ProcessStartInfo psi)
    {
        if (Isolated)
        {
            string program = psi.ArgumentList[9];
            if (Resolve(program) is null) throw new System.ComponentModel.Win32Exception(2, $"No such file or directory: {program}");
        }
        var tcs = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Spawns.Add((psi, tcs));
        return tcs.Task;
    }

    private static readonly BlockingCollection<(ProcessStartInfo Psi, TaskCompletionSource<Process> Done)> Spawns = StartSpawner();

    private static BlockingCollection<(ProcessStartInfo, TaskCompletionSource<Process>)> StartSpawner()
    {
        var queue = new BlockingCollection<(ProcessStartInfo, TaskCompletionSource<Process>)>();
        var t = new Thread(() =>
        {
            foreach (var (psi, done) in queue.GetConsumingEnumerable())
            {
                var p = new Process { StartInfo = psi };
                try { p.Start(); done.SetResult(p); }
                catch (Exception e) { p.Dispose(); done.SetException(e); }
            }
        }) { IsBackground = true, Name = "oracle-spawner" };
        t.Start();
        return queue;
    }

    /// <summary>The oracle call's process group (id = the leader's pid when <see cref="Isolated"/>).</summary>
    public sealed class Group(Process leader)
    {
        private readonly int _pid = leader.Id;

        public int Id => _pid;

        /// <summary>SIGKILLs every process of the group (or the process tree when not isolated); says what it did.</summary>
        public string KillAll()
        {
            if (Isolated)
            {
                // Never a group other than the one setsid made: -pid names exactly the group led by our child.
                _ = kill(-_pid, 9 /* SIGKILL */);
                try { if (!leader.HasExited) leader.Kill(); } catch (InvalidOperationException) { }
                return $"killed process group {_pid}";
            }
            try { leader.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            return $"killed process tree {_pid}";
        }
    }

    /// <summary>True while any process of the group is alive (kill(-pgid, 0)).</summary>
    public static bool GroupAlive(int pgid) => kill(-pgid, 0) == 0;

    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int sig);

    private static string? Which(string name)
    {
        foreach (var dir in new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" })
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>The file a program name starts (a path as is; a bare name through PATH), or null.</summary>
    public static string? Resolve(string program)
    {
        if (program.Contains('/')) return File.Exists(program) ? program : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = Path.Combine(dir, program);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
