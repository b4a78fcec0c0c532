using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Hosting;
using DeepTrain.Model;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

/// <summary>Issue 12 items 13–15 and issue 13's `node --join`: how a node starts, fails to start, and logs.</summary>
public sealed class NodeStartupTests
{
    private static Task MemberUp(ActorSystem sys)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(sys).RegisterOnMemberUp(() => up.TrySetResult());
        return up.Task;
    }

    [Fact]
    public async Task ACoordinatorWithoutSeedsSeedsItselfAndAWorkerJoinsIt()
    {
        var coord = ClusterHost.Start(new NodeOptions { Roles = [StudyTopology.CoordinatorRole] });
        ActorSystem? worker = null;
        try
        {
            await MemberUp(coord).WaitAsync(TimeSpan.FromSeconds(20));
            var addr = ((ExtendedActorSystem)coord).Provider.DefaultAddress;
            worker = ClusterHost.Start(new NodeOptions { Seeds = [$"{addr.Host}:{addr.Port}"], Roles = ["worker"] });
            await MemberUp(worker).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(2, Akka.Cluster.Cluster.Get(worker).State.Members.Count);
        }
        finally { await Task.WhenAll(new[] { coord, worker }.OfType<ActorSystem>().Select(s => s.Terminate())); }
    }

    [Fact]
    public async Task AWorkerThatCannotReachItsSeedSaysSoInOneLineWithinSecondsAndKeepsTrying()
    {
        var log = new SignallingWriter("no answer from seed");
        int deadPort = FreePort(); // nothing listens there
        var node = ClusterNode.Start(new NodeOptions { Seeds = [$"127.0.0.1:{deadPort}"], Roles = ["worker"] }, _ => { }, log,
            joinNotice: TimeSpan.FromSeconds(1));
        try
        {
            await log.Seen.WaitAsync(TimeSpan.FromSeconds(15));
            var lines = log.ToString().Trim().Split('\n');
            var line = Assert.Single(lines);
            Assert.Contains($"127.0.0.1:{deadPort}", line);
            Assert.False(node.System.WhenTerminated.IsCompleted); // still trying
        }
        finally { await node.StopAsync(); }
    }

    [Fact]
    public void BindingAnAddressThisMachineLacksIsOneLineNamingAddressAndPortWithExitCode2()
    {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a host.
        int port = FreePort();
        var err = new StringWriter();
        var store = TempDb();
        int rc = DeepTrain.Launcher.Program.Run(["node", "--role", "coordinator", "--host", "192.0.2.1", "--port", $"{port}", "--store", store],
            new StringWriter(), err);
        Assert.Equal(2, rc);
        var line = Assert.Single(err.ToString().Trim().Split('\n'));
        Assert.Contains($"192.0.2.1:{port}", line);
        Assert.DoesNotContain("AggregateException", line);
        Assert.Throws<UserError>(() => ClusterHost.Start(new NodeOptions { Host = "192.0.2.1", Port = port }));
    }

    [Fact]
    public void NodeJoinIsTheSeedOptionAndSeedIsADeprecatedAlias()
    {
        var help = new StringWriter();
        DeepTrain.Launcher.Program.Run(["node", "--help"], help, new StringWriter());
        Assert.Contains("--join", help.ToString());
        Assert.DoesNotContain("--seed", help.ToString());
        // --seed still parses (the role error comes first, not "unrecognized --seed").
        var err = new StringWriter();
        Assert.Equal(2, DeepTrain.Launcher.Program.Run(["node", "--role", "boss", "--seed", "127.0.0.1:1"], new StringWriter(), err));
        Assert.Contains("--role", err.ToString());
    }

    [Fact]
    public void NodesLogAkkaWarningsAndAboveOnStderrOnlyOneLineEach()
    {
        var cfg = ClusterHost.BuildConfig(new NodeOptions());
        Assert.Equal("WARNING", cfg.GetString("akka.loglevel"));
        Assert.Equal("OFF", cfg.GetString("akka.stdout-loglevel"));
        Assert.Equal(["DeepTrain.Actors.Hosting.StderrLogger, DeepTrain.Actors"], cfg.GetStringList("akka.loggers"));

        Exception thrown;
        try { throw new InvalidOperationException("boom\n   at Some.Frame()"); } catch (Exception e) { thrown = e; }
        var line = StderrLogger.Format(new Warning(thrown, "akka://deeptrain/system/cluster/core/daemon", typeof(object), "something\nmore"));
        Assert.NotNull(line);
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("[WARN]", line);
        Assert.Contains("InvalidOperationException: boom", line);
        Assert.DoesNotContain("Some.Frame", line);
    }

    [Fact]
    public void ADepartingClientIsOneInfoLineNotAnErrorWithAStackTrace()
    {
        const string writer = "akka://deeptrain/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Fdeeptrain%40127.0.0.1%3A41234-3";
        var disassociated = StderrLogger.Format(new Error(null, writer, typeof(object), "Disassociated"));
        Assert.Equal("[INFO]", disassociated![..6]);
        Assert.EndsWith("remoting: peer deeptrain@127.0.0.1:41234 disconnected", disassociated);
        // Its echoes (the gated warning, the socket error) add nothing.
        Assert.Null(StderrLogger.Format(new Warning(writer, typeof(object),
            "Association with remote system akka.tcp://deeptrain@127.0.0.1:41234 has failed; address is now gated for 5000 ms. Reason is: [Akka.Remote.EndpointDisassociatedException: Disassociated\n   at ...")));
        Assert.Null(StderrLogger.Format(new Error(new System.Net.Sockets.SocketException(104), "[::ffff:127.0.0.1]:4053", typeof(object),
            "Error caught channel [[::ffff:127.0.0.1]:4053->[::ffff:127.0.0.1]:41234](Id=0d81e530)")));
    }

    /// <summary>A log sink that completes <see cref="Seen"/> when a line containing a word is written.</summary>
    private sealed class SignallingWriter(string word) : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Seen => _seen.Task;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(word) == true) _seen.TrySetResult();
        }
    }
}
