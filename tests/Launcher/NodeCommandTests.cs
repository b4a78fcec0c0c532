namespace DeepTrain.Tests.Launcher;

public class NodeCommandTests
{
    [Fact]
    public void HelpNamesEveryOptionAndFitsOneHundredColumns()
    {
        var (code, o, _) = CliRunner.Run("node", "--help");
        Assert.Equal(0, code);
        foreach (var opt in new[] { "--role", "--host", "--port", "--join", "--workers", "--oracle-slots", "--store", "--chunk", "--allow-oracle", "--tls-cert", "--tls-pin" })
            Assert.Contains(opt, o);
        foreach (var line in o.Split('\n')) Assert.True(line.Length <= 100, line);
    }

    [Theory]
    [InlineData("--role", "boss", "--role")]
    [InlineData("--oracle-slots", "-1", "--oracle-slots")]
    [InlineData("--chunk", "0", "--chunk")]
    [InlineData("--join", "nohost", "seed 'nohost'")]
    [InlineData("--seed", "nohost", "seed 'nohost'")]
    public void BadValuesAreOneLineErrorsNamingTheOption(string option, string value, string named)
    {
        string[] args = option == "--role" ? ["node", option, value] : ["node", "--role", "worker", option, value];
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains(named, err);
    }
}
