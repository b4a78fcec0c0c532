using System.Text.Json;
using DeepTrain.Launcher.Output;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Launcher;

public class ZooCommandTests
{
    [Fact]
    public void JsonListsEveryNetworkWithExactFieldNames()
    {
        var (code, o, err) = CliRunner.Run("zoo", "--json");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.StartsWith("{\"networks\":[{\"name\":\"resnet20\",\"input\":\"cifar\",\"classes\":10,\"parameters\":269722,", o);
        Assert.Contains("{\"name\":\"resnet50\",\"input\":\"imagenet\",\"classes\":1000,\"parameters\":25557032,\"macs\":4089184256,\"sites\":53}", o);
        using var doc = JsonDocument.Parse(o);
        var nets = doc.RootElement.GetProperty("networks");
        Assert.Equal(Zoo.Names.Count, nets.GetArrayLength());
        foreach (var n in nets.EnumerateArray())
            Assert.Equal(["name", "input", "classes", "parameters", "macs", "sites"], n.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void TableFitsOneHundredColumnsAndNamesEveryNetwork()
    {
        var (code, o, _) = CliRunner.Run("zoo");
        Assert.Equal(0, code);
        var lines = o.TrimEnd().Split('\n');
        Assert.Equal(Zoo.Names.Count + 2, lines.Length);
        foreach (var l in lines) Assert.True(l.Length <= TextTable.MaxWidth, l);
        Assert.Contains(lines, l => l.StartsWith("resnet50 ") && l.Contains("25,557,032") && l.TrimEnd().EndsWith(" 53"));
    }

    [Fact]
    public void HelpDescribesTheJsonOption()
    {
        var (code, o, _) = CliRunner.Run("zoo", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--json", o);
        Assert.Contains("multiply-accumulates", o);
    }
}
