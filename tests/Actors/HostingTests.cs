using Akka.Actor;
using DeepTrain.Actors.Hosting;
using DeepTrain.Model;

namespace DeepTrain.Tests.Actors;

public sealed class HostingTests
{
    [Fact]
    public void WithoutAClusterTheSameActorsRunLocallyWithNoPort()
    {
        var cfg = ClusterHost.BuildConfig(new NodeOptions { Clustered = false });
        Assert.Equal("local", cfg.GetString("akka.actor.provider"));
        using var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "local" });
        Assert.Null(((ExtendedActorSystem)sys).Provider.DefaultAddress.Port);
    }

    [Fact]
    public void NodesBindLoopbackUnlessAHostIsGivenAndEnvironmentOverrides()
    {
        var cfg = ClusterHost.BuildConfig(new NodeOptions { Seeds = ["127.0.0.1:4053"], Roles = ["worker"] });
        Assert.Equal("cluster", cfg.GetString("akka.actor.provider"));
        Assert.Equal("127.0.0.1", cfg.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(["akka.tcp://deeptrain@127.0.0.1:4053"], cfg.GetStringList("akka.cluster.seed-nodes"));
        var env = new Dictionary<string, string> { ["DEEPTRAIN_HOST"] = "10.1.2.3", ["DEEPTRAIN_PORT"] = "4100", ["DEEPTRAIN_SEEDS"] = "10.1.2.4:4053, 10.1.2.5:4053" };
        var o = new NodeOptions().WithEnvironment(k => env.GetValueOrDefault(k));
        Assert.Equal("10.1.2.3", o.Host);
        Assert.Equal(4100, o.Port);
        Assert.Equal(["10.1.2.4:4053", "10.1.2.5:4053"], o.Seeds);
        Assert.Throws<UserError>(() => new NodeOptions().WithEnvironment(k => k == "DEEPTRAIN_PORT" ? "http" : null));
        Assert.Throws<UserError>(() => ClusterHost.NormalizeSeed("localhost"));
    }

    [Fact]
    public void NodeCommandRejectsAnUnknownRoleWithExitCode2()
    {
        var err = new StringWriter();
        int rc = DeepTrain.Launcher.Program.Run(["node", "--role", "boss"], new StringWriter(), err);
        Assert.Equal(2, rc);
        Assert.Contains("--role", err.ToString());
    }

    [Fact]
    public void SweepCommandWritesRowsAndResumes()
    {
        var spec = Path.Combine(Path.GetTempPath(), $"spec-{Guid.NewGuid():N}.json");
        File.WriteAllText(spec, SweepTests.Spec);
        var outCsv = Path.ChangeExtension(spec, ".csv");
        var stdout = new StringWriter();
        Assert.Equal(0, DeepTrain.Launcher.Program.Run(["sweep", spec, "--out", outCsv, "--workers", "2", "--chunk", "16", "--quiet"], stdout, new StringWriter()));
        var first = File.ReadAllLines(outCsv);
        var front = File.ReadAllLines(outCsv + ".pareto.csv");
        Assert.True(front.Length > 1);
        Assert.Equal(93, first.Length);
        var err = new StringWriter();
        Assert.Equal(0, DeepTrain.Launcher.Program.Run(["sweep", spec, "--out", outCsv, "--quiet"], new StringWriter(), err));
        Assert.Contains("resuming after 92", err.ToString());
        Assert.Equal(first, File.ReadAllLines(outCsv));
        Assert.Equal(front, File.ReadAllLines(outCsv + ".pareto.csv"));
    }

    [Fact]
    public void SweepCommandWithRowsFrontWritesOnlyTheFrontAndRefusesAnotherSpec()
    {
        var spec = Path.Combine(Path.GetTempPath(), $"spec-{Guid.NewGuid():N}.json");
        File.WriteAllText(spec, SweepTests.Spec);
        string all = Path.ChangeExtension(spec, ".all.csv"), front = Path.ChangeExtension(spec, ".front.csv");
        Assert.Equal(0, DeepTrain.Launcher.Program.Run(["sweep", spec, "--out", all, "--chunk", "16", "--quiet"], new StringWriter(), new StringWriter()));
        var stdout = new StringWriter();
        Assert.Equal(0, DeepTrain.Launcher.Program.Run(["sweep", spec, "--out", front, "--rows", "front", "--chunk", "16", "--quiet"], stdout, new StringWriter()));
        Assert.False(File.Exists(front));
        Assert.Contains("not written", stdout.ToString());
        Assert.Equal(File.ReadAllLines(all + ".pareto.csv"), File.ReadAllLines(front + ".pareto.csv"));

        File.WriteAllText(spec, SweepTests.Spec.Replace("[16, 64]", "[16, 32]"));
        var err = new StringWriter();
        Assert.Equal(2, DeepTrain.Launcher.Program.Run(["sweep", spec, "--out", front, "--rows", "front", "--quiet"], new StringWriter(), err));
        Assert.Contains(front + ".progress", err.ToString());
        Assert.Single(err.ToString().Trim().Split('\n'));
        err = new StringWriter();
        Assert.Equal(2, DeepTrain.Launcher.Program.Run(["sweep", spec, "--out", front, "--rows", "some"], new StringWriter(), err));
        Assert.Contains("--rows", err.ToString());
    }
}
