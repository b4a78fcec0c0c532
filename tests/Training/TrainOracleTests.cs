using DeepTrain.Model;
using DeepTrain.Model.Workloads;
using DeepTrain.Training;

namespace DeepTrain.Tests.Training;

public class TrainOracleTests
{
    [Fact]
    public async Task OracleAccuracyIsTheTrainerAccuracyAveragedOverSeeds()
    {
        var net = Zoo.Get("plain3w4");
        var oracle = TrainOracle.Parse("epochs=1, seeds=0|1, train=128, test=40, threads=1, batch=32", net);
        var mask = SiteMask.Parse("101", 3);
        double a = await oracle.AccuracyAsync(mask);
        double want = (Trainer.Run(net, mask, oracle.Data, oracle.Config with { Seed = 0 }).AccuracyPercent
                       + Trainer.Run(net, mask, oracle.Data, oracle.Config with { Seed = 1 }).AccuracyPercent) / 2;
        Assert.Equal(want, a);
        Assert.Contains("seeds=0+1", oracle.Description);
        await Assert.ThrowsAsync<OracleError>(() => oracle.AccuracyAsync(SiteMask.All(4)));
        double shifted = await oracle.AccuracyAsync(mask, seedOffset: 1);
        Assert.Equal((Trainer.Run(net, mask, oracle.Data, oracle.Config with { Seed = 1 }).AccuracyPercent
                      + Trainer.Run(net, mask, oracle.Data, oracle.Config with { Seed = 2 }).AccuracyPercent) / 2, shifted);
    }

    [Theory]
    [InlineData("epochs=x")] [InlineData("speed=3")] [InlineData("epochs")]
    public void BadSpecsAreUserErrors(string spec) => Assert.ThrowsAny<UserError>(() => TrainOracle.Parse(spec, Zoo.Get("plain3w4")));
}

public class TrainabilityProxyTests
{
    [Fact]
    public void ProxyIsDeterministicFiniteAndNonPositive()
    {
        var net = Zoo.Get("plain8w4");
        var data = DeepTrain.Training.Data.TrainingData.For(net, trainImages: 64, testImages: 10);
        double a = TrainabilityProxy.Score(net, SiteMask.All(8), data.Train, seed: 1);
        double b = TrainabilityProxy.Score(net, SiteMask.All(8), data.Train, seed: 1, threads: 2);
        Assert.Equal(a, b);
        Assert.True(double.IsFinite(a) && a <= 0);
        Assert.NotEqual(a, TrainabilityProxy.Score(net, SiteMask.None(8), data.Train, seed: 1));
    }
}

public class TrainOracleSearchTests
{
    [Fact]
    public async Task TrainKindIsRegisteredWithTheSearchAndMatchesTheTrainer()
    {
        TrainOracle.Register();
        var spec = "epochs=1, seeds=0, train=96, test=32, threads=1, batch=32";
        var oracle = DeepTrain.Model.Search.Oracles.OracleRegistry.Parse("train:" + spec,
            new DeepTrain.Model.Search.Oracles.OracleContext(3, "plain3w4", TimeSpan.FromMinutes(1), 1));
        var mask = SiteMask.Parse("011", 3);
        var r = await oracle.EvaluateAsync(new DeepTrain.Model.Search.Oracles.OracleRequest(mask, "plain3w4", 2), default);
        Assert.True(r.Succeeded, r.Error);
        var direct = TrainOracle.Parse(spec, Zoo.Get("plain3w4"));
        Assert.Equal(await direct.AccuracyAsync(mask, 2), r.AccuracyPercent);
        Assert.Throws<OracleError>(() => DeepTrain.Model.Search.Oracles.OracleRegistry.Parse("train:" + spec,
            new DeepTrain.Model.Search.Oracles.OracleContext(3, "", TimeSpan.FromMinutes(1), 1)));
    }

    [Fact]
    public void OptimizeRunsEndToEndWithTheBuiltInTrainer()
    {
        var log = Path.GetTempFileName();
        var (code, o, e) = DeepTrain.Tests.Launcher.CliRunner.Run("optimize", "--net", "plain3w4", "--arch", "deeptrain",
            "--objective", "sites", "--oracle", "train:epochs=1,seeds=0,train=96,test=32,threads=1,batch=32",
            "--budget", "4", "--proposals", "2", "--candidates", "200", "--out", log, "--json", "--quiet");
        Assert.True(code == 0, e);
        using var doc = System.Text.Json.JsonDocument.Parse(o);
        // The study may stop before the budget once nothing can beat the incumbent (0 sites here).
        int calls = doc.RootElement.GetProperty("oracleCalls").GetInt32();
        Assert.InRange(calls, 2, 4);
        Assert.Equal(calls, File.ReadAllLines(log).Count(l => l.Contains("\"observation\"") && l.Contains("\"error\":null")));
        Assert.Equal(3, doc.RootElement.GetProperty("mask").GetString()!.Length);
        File.Delete(log);
    }
}

public class ProxyOracleTests
{
    [Fact]
    public async Task ProxyOracleReportsTheProxyScoreInItsDocumentedUnits()
    {
        ProxyOracle.Register();
        var ctx = new DeepTrain.Model.Search.Oracles.OracleContext(3, "plain3w4", TimeSpan.FromMinutes(1), 1);
        var oracle = DeepTrain.Model.Search.Oracles.OracleRegistry.Parse("proxy:batch=16,train=32", ctx);
        Assert.Contains("not an accuracy", oracle.Name);
        var mask = SiteMask.Parse("101", 3);
        var r = await oracle.EvaluateAsync(new DeepTrain.Model.Search.Oracles.OracleRequest(mask, "plain3w4", 3), default);
        Assert.True(r.Succeeded);
        var net = Zoo.Get("plain3w4");
        var data = DeepTrain.Training.Data.TrainingData.For(net, null, 0.5, 32, 1);
        double s = TrainabilityProxy.Score(net, mask, data.Train, 3, 16, 1);
        Assert.Equal(100 * Math.Pow(10, Math.Min(0, s)), r.AccuracyPercent, 12);
        Assert.InRange(r.AccuracyPercent, 0, 100);
        Assert.Throws<OracleError>(() => DeepTrain.Model.Search.Oracles.OracleRegistry.Parse("proxy:speed=3", ctx));
    }
}
