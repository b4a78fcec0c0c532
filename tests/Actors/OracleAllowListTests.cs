using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using DeepTrain.Model;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

public sealed class OracleAllowListTests
{
    [Fact]
    public void PatternsMatchTheWholeProgram()
    {
        var allow = new OracleAllowList(["/opt/train/*.py", "python3"]);
        Assert.True(allow.Allows("/opt/train/resnet.py"));
        Assert.True(allow.Allows("python3"));
        Assert.False(allow.Allows("python3; rm -rf /"));
        Assert.False(allow.Allows("/bin/sh"));
        Assert.Throws<OracleRefused>(() => new OracleAllowList([]).Check("python3")); // recorded, not study-stopping
    }

    [Fact]
    public async Task RefusedCommandOracleIsRecordedAsAnErrorNotANumber()
    {
        var db = TempDb();
        using var store = new StudyStore(db);
        var spec = Spec() with { Budget = 4 };
        using var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "allow" });
        var coord = StudyTopology.StartLocalCoordinator(sys, spec, store, DeepTrain.Actors.Coordination.StudyProposals.ForSpec(spec, "synthetic"));
        var oracle = new SyntheticOracle();
        StudyTopology.StartEvaluationWorkers(sys, coord, new AllowListedOracle(oracle, "/bin/sh", new OracleAllowList(["/opt/train/*"])), 1, 2);
        await AwaitFinished(coord, TimeSpan.FromSeconds(20));
        var obs = Study(db);
        // The refused reference measurement is recorded as an error; with no reference the engine (like single-node
        // optimize) cannot set a threshold, so the study stops there.
        Assert.Single(obs);
        Assert.All(obs, o => Assert.Contains("refused", o.Item4));
        Assert.Empty(oracle.StartedCalls);
    }
}
