namespace DeepTrain.Tests.Launcher;

public class GpuPrecisionOptionTests
{
    [Fact]
    public void Fp16IsRejectedWithTheAcceptedValuesNotTakenAsMixed()
    {
        var (code, o, err) = CliRunner.Run("estimate", "--net", "resnet20", "--gpu-precision", "fp16");
        Assert.Equal(2, code);
        Assert.Equal("", o);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("fp32, tf32, mixed", err);
    }

    [Theory]
    [InlineData("mixed")]
    [InlineData("amp")]
    public void DocumentedPrecisionsAreAccepted(string p)
    {
        var (code, _, err) = CliRunner.Run("estimate", "--net", "resnet20", "--gpu-precision", p, "--json");
        Assert.True(code == 0, err);
    }
}
