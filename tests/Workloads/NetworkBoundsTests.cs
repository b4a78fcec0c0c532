using DeepTrain.Model;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Launcher;

namespace DeepTrain.Tests.Workloads;

/// <summary>Issue 12 item 4: every count of the network IR is bounded; an overflow is a one-line error naming the layer.</summary>
public class NetworkBoundsTests
{
    private static string Net(string layers, int channels = 3, int size = 8) =>
        $"{{\"name\":\"b\",\"input\":{{\"channels\":{channels},\"height\":{size},\"width\":{size}}},\"classes\":10,\"layers\":[{layers}]}}";

    /// <summary>The issue's reproducer: two convolutions of 2,147,483,000 channels concatenated overflowed int and
    /// gave negative time, energy and crossbars with exit 0.</summary>
    [Fact]
    public void ConcatOverflowingTheChannelCountIsRejectedNamingTheLayer()
    {
        string json = Net("""
            {"name":"c1","type":"conv","out":2147483000,"kernel":1},
            {"name":"c2","type":"conv","out":2147483000,"kernel":1,"inputs":["input"]},
            {"name":"cat","type":"concat","inputs":["c1","c2"]},
            {"name":"g","type":"globalavgpool"},{"name":"fc","type":"linear","out":10}
            """);
        var e = Assert.Throws<WorkloadError>(() => NetworkJson.Parse(json, "n.json"));
        Assert.Contains("layer 'cat' (#2)", e.Message);
        Assert.Contains("'inputs'", e.Message);
    }

    [Fact]
    public void ConcatOverflowExitsTwoWithOneLineFromTheCli()
    {
        string path = Path.Combine(Path.GetTempPath(), $"concat-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Net("""
            {"name":"c1","type":"conv","out":2147483000,"kernel":1},
            {"name":"cat","type":"concat","inputs":["c1","c1"]},
            {"name":"g","type":"globalavgpool"},{"name":"fc","type":"linear","out":10}
            """));
        try
        {
            var (code, stdout, err) = CliRunner.Run("estimate", "--net", path, "--json");
            Assert.Equal(2, code);
            Assert.Equal("", stdout);
            Assert.Single(err.TrimEnd().Split('\n'));
            Assert.Contains("'cat'", err);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void FanInBeyondInt32IsRejectedNamingTheKernel()
    {
        // 65536 × 65536 kernel over 1 channel with padding to fit: fan-in 2^32.
        var b = new NetworkBuilder("f", "custom", 10, new Shape(1, 1, 1));
        var e = Assert.Throws<WorkloadError>(() => b.Conv("big", 1, 65536, 65536, 1, 32768, 1, false, null));
        Assert.Contains("'big'", e.Message);
        Assert.Contains("'kernel'", e.Message);
    }

    [Fact]
    public void HugePaddingDoesNotOverflowTheOutputSize()
    {
        var b = new NetworkBuilder("p", "custom", 10, new Shape(1, 8, 8));
        var e = Assert.Throws<WorkloadError>(() => b.Conv("pad", 1, 1, 1, 1, int.MaxValue, 1, false, null));
        Assert.Contains("'pad'", e.Message);
        Assert.Contains("'padding'", e.Message);
    }

    [Fact]
    public void ActivationsBeyondTheElementBoundAreRejectedNamingTheLayer()
    {
        var b = new NetworkBuilder("e", "custom", 10, new Shape(1, 1 << 15, 1 << 15));
        var e = Assert.Throws<WorkloadError>(() => b.Conv("wide", 1 << 12, 1));
        Assert.Contains("'wide'", e.Message);
        Assert.Contains("'output'", e.Message);
    }

    [Fact]
    public void AnInputBeyondTheElementBoundIsRejected() =>
        Assert.Contains("'input'", Assert.Throws<WorkloadError>(() => new NetworkBuilder("i", "custom", 10, new Shape(int.MaxValue, int.MaxValue, 2))).Message);

    [Fact]
    public void WeightsBeyondTheBoundAreRejectedNamingTheLayer()
    {
        var b = new NetworkBuilder("w", "custom", 10, new Shape(1 << 21, 1, 1));
        var e = Assert.Throws<WorkloadError>(() => b.Linear("fc", 1 << 20));
        Assert.Contains("'fc'", e.Message);
        Assert.Contains("weights", e.Message);
    }

    [Fact]
    public void NetworkShapeErrorsNameTheFile() =>
        Assert.StartsWith("n.json:", Assert.Throws<WorkloadError>(() => NetworkJson.Parse(Net("", channels: -1), "n.json")).Message);

    [Fact]
    public void ZooNetworksAreWithinTheBounds()
    {
        foreach (var name in Zoo.Names)
        {
            var n = Zoo.Resolve(name);
            Assert.True(n.Macs < NetworkBuilder.MaxMacs && n.Parameters < NetworkBuilder.MaxParameters, name);
        }
    }
}
