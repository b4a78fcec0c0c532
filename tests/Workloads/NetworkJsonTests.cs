using DeepTrain.Model;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Tests.Workloads;

public class NetworkJsonTests
{
    private static string Example => Path.Combine(RepoRoot(), "examples", "networks", "tiny-resnet.json");

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "DeepTrain.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void ExampleFileLoadsWithHandCountedTotals()
    {
        var n = Zoo.Resolve(Example);
        Assert.Equal("tiny-resnet", n.Name);
        Assert.Equal(5, n.SiteCount);
        // weights: 3·9·16 + 16·9·32 + 32·9·32 + 32·9·64 + 32·64 (proj) + 64·10 + 10 (fc bias)
        long layers = 432 + 4608 + 9216 + 18432 + 2048 + 650;
        Assert.Equal(layers, n.LayerParameters);
        Assert.Equal(layers + 2 * (16 + 32 + 32 + 64 + 64), n.Parameters);
        // MACs: out pixels × fan-in × Cout
        long macs = 1024L * 27 * 16 + 256L * 144 * 32 + 256L * 288 * 32 + 64L * 288 * 64 + 64L * 32 * 64 + 640;
        Assert.Equal(macs, n.Macs);
        var add = n.Layers.Single(l => l.Name == "b1.add");
        Assert.Equal(2, add.Stride);
        Assert.Equal(new Shape(16, 32, 32), n.Layers[add.Inputs[1]].Output);
    }

    [Fact]
    public void JsonAndBuilderAgreeOnAZooShape()
    {
        const string json = """
        { "name": "p", "input": {"kind":"generated","channels":1,"height":16,"width":16}, "classes": 10,
          "layers": [
            {"name":"c1","type":"conv","out":16,"kernel":3,"padding":1,"site":true}, {"name":"r1","type":"relu"},
            {"name":"c2","type":"conv","out":16,"kernel":3,"stride":2,"padding":1,"site":true}, {"name":"r2","type":"relu"},
            {"name":"c3","type":"conv","out":16,"kernel":3,"stride":2,"padding":1,"site":true}, {"name":"r3","type":"relu"},
            {"name":"gap","type":"globalavgpool"}, {"name":"f","type":"flatten"}, {"name":"fc","type":"linear","out":10} ] }
        """;
        var n = NetworkJson.Parse(json);
        var z = Zoo.Get("plain3");
        Assert.Equal(z.Parameters, n.Parameters);
        Assert.Equal(z.Macs, n.Macs);
        Assert.Equal(z.Sites.Select(s => s.Shape), n.Sites.Select(s => s.Shape));
    }

    [Theory]
    [InlineData("""{"name":"c1","type":"conv","out":8,"kernel":40}""", "'c1' (#0)", "'kernel'")]
    [InlineData("""{"name":"c1","type":"conv","out":-8,"kernel":3}""", "'c1' (#0)", "'outChannels'")]
    [InlineData("""{"name":"c1","type":"conv","out":8}""", "'c1' (#0)", "'kernel'")]
    [InlineData("""{"name":"c1","type":"conv","out":8,"kernel":3,"strides":2}""", "'c1' (#0)", "'strides'")]
    [InlineData("""{"name":"c1","type":"conv","out":"8","kernel":3}""", "'c1' (#0)", "'out'")]
    [InlineData("""{"name":"x","type":"softmax"}""", "'x' (#0)", "'type'")]
    [InlineData("""{"name":"a","type":"add","inputs":["input","nope"]}""", "'a' (#0)", "'inputs'")]
    [InlineData("""{"name":"fc","type":"linear","out":10}""", "'fc' (#0)", "'input'")]
    [InlineData("""{"name":"d","type":"dropout","p":1.5}""", "'d' (#0)", "'p'")]
    public void BadLayerNamesTheLayerAndField(string layer, string where, string field)
    {
        string json = "{\"name\":\"bad\",\"input\":{\"channels\":3,\"height\":8,\"width\":8},\"classes\":10,\"layers\":[" + layer + "]}";
        var e = Assert.Throws<WorkloadError>(() => NetworkJson.Parse(json, "bad.json"));
        Assert.StartsWith("bad.json: ", e.Message);
        Assert.Contains(where, e.Message);
        Assert.Contains(field, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"input":{"channels":3,"height":8,"width":8},"classes":10,"layers":[]}""", "'name'")]
    [InlineData("""{"name":"n","input":{"channels":3,"height":8,"width":8},"classes":0,"layers":[]}""", "'classes'")]
    [InlineData("""{"name":"n","input":{"channels":3,"height":8},"classes":10,"layers":[]}""", "'width'")]
    [InlineData("""{"name":"n","input":{"channels":3,"height":8,"width":8},"classes":10,"layers":[]}""", "'layers'")]
    public void BadTopLevelNamesTheField(string json, string field)
    {
        var e = Assert.Throws<WorkloadError>(() => NetworkJson.Parse(json, "bad.json"));
        Assert.Contains(field, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void MissingFileIsAWorkloadError()
    {
        var e = Assert.Throws<WorkloadError>(() => Zoo.Resolve("/nonexistent/net.json"));
        Assert.Contains("/nonexistent/net.json", e.Message);
    }

    [Fact]
    public void BadFileOnDiskNamesLayerAndField()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deeptrain-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"name\":\"n\",\"input\":{\"channels\":3,\"height\":8,\"width\":8},\"classes\":10,\"layers\":[{\"name\":\"c\",\"type\":\"conv\",\"out\":4}]}");
        try
        {
            var e = Assert.Throws<WorkloadError>(() => Zoo.Resolve(path));
            Assert.Contains("layer 'c' (#0): 'kernel' is missing", e.Message);
        }
        finally { File.Delete(path); }
    }
}

public class NetworkJsonRoundTripTests
{
    public static TheoryData<string> ZooNames()
    {
        var d = new TheoryData<string>();
        foreach (var n in Zoo.Names) d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(ZooNames))]
    public void EveryZooNetworkRoundTripsThroughJson(string name)
    {
        var a = Zoo.Get(name);
        var b = NetworkJson.Parse(NetworkJson.Write(a), name + ".json");
        Assert.Equal(a.Name, b.Name);
        Assert.Equal(a.InputKind, b.InputKind);
        Assert.Equal(a.InputShape, b.InputShape);
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.Equal(a.Macs, b.Macs);
        Assert.Equal(a.ReferenceHasNormalization, b.ReferenceHasNormalization);
        Assert.Equal(a.Layers.Count, b.Layers.Count);
        for (int i = 0; i < a.Layers.Count; i++)
        {
            var x = a.Layers[i]; var y = b.Layers[i];
            Assert.Equal(x with { Inputs = [] }, y with { Inputs = [] });
            Assert.Equal(x.Inputs, y.Inputs);
        }
        Assert.Equal(a.Sites, b.Sites);
    }
}
