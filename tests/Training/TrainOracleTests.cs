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
        Assert.Contains("seeds=0|1", oracle.Description);
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
