using System.Globalization;
using System.Text;
using CsCheck;
using DeepTrain.Model.Workloads;
using DeepTrain.Tests.Workloads;
using Xunit.Abstractions;

namespace DeepTrain.Tests.Fuzz;

/// <summary>
/// Network JSON through `deeptrain estimate --net FILE --json` (the real loader, mapping, pipeline, GPU baseline and
/// output): generated layer stacks whose parameters are mostly plausible and sometimes hostile (concat of a layer
/// with itself doubles channels until they overflow), mutated example and zoo networks, and damaged text.
/// </summary>
public sealed class NetworkFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Fuzz.TempDir("net");
    private int _n;
    private readonly int[] _codes = new int[3];

    public void Dispose()
    {
        output.WriteLine($"exit 0: {_codes[0]}, exit 2: {_codes[2]}");
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly string[] Seeds =
    [
        File.ReadAllText(Path.Combine(NetworkJsonTests.RepoRoot(), "examples", "networks", "tiny-resnet.json")),
        NetworkJson.Write(Zoo.Resolve("resnet20")),
        NetworkJson.Write(Zoo.Resolve("vgg11")),
    ];

    private void Estimate(string json, string arch = "deeptrain")
    {
        string path = Path.Combine(_dir, $"n{Interlocked.Increment(ref _n) % 64}.json");
        File.WriteAllText(path, json);
        int code = Fuzz.RunCli(["estimate", "--net", path, "--arch", arch, "--json", "--batch", "8"], json: true, err =>
        {
            if (!err.Contains(path, StringComparison.Ordinal) && !err.Contains("spec '", StringComparison.Ordinal))
                throw new Exception($"rejection does not name the network file or the spec: {err}\nnetwork: {json}");
        });
        _codes[code]++;
    }

    /// <summary>One generated layer: a type and its parameters; <c>Hostile</c> swaps in an edge value.</summary>
    private sealed record LayerCase(int Type, int Out, int Kernel, int Stride, int Padding, int Groups, int Hostile, int HostileValue, bool Site);

    private static readonly Gen<LayerCase> LayerGen = Gen.Select(
        Gen.Select(Gen.Int[0, 7], Gen.Int[1, 256], Gen.OneOfConst(1, 1, 3, 3, 5, 7), Gen.Int[1, 2], (t, o, k, s) => (t, o, k, s)),
        Gen.Select(Gen.Int[0, 3], Gen.OneOfConst(1, 1, 1, 2, 4), Gen.Int[0, 30], Fuzz.HostileInt, Gen.Bool, (p, g, h, hv, site) => (p, g, h, hv, site)),
        (a, b) => new LayerCase(a.t, a.o, a.k, a.s, b.p, b.g, b.h, b.hv, b.site));

    private static string Build(int channels, int size, int classes, LayerCase[] layers, bool head)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"gen\",\"input\":{{\"channels\":{channels},\"height\":{size},\"width\":{size}}},\"classes\":{classes},\"layers\":[");
        for (int i = 0; i < layers.Length; i++)
        {
            var l = layers[i];
            int V(int field, int v) => l.Hostile == field ? l.HostileValue : v;
            string prev = i == 0 ? "input" : $"l{i - 1}";
            string body = l.Type switch
            {
                0 or 1 => $"\"type\":\"conv\",\"out\":{V(0, l.Out * l.Groups)},\"kernel\":{V(1, l.Kernel)},\"stride\":{V(2, l.Stride)},\"padding\":{V(3, l.Kernel / 2 + (l.Padding == 3 ? 1 : 0))},\"groups\":{V(4, 1)}",
                2 => "\"type\":\"relu\"",
                3 => $"\"type\":\"maxpool\",\"kernel\":{V(1, 2)},\"stride\":{V(2, 2)}",
                4 => $"\"type\":\"concat\",\"inputs\":[\"{prev}\",\"{prev}\"]",
                5 => $"\"type\":\"add\",\"inputs\":[\"{prev}\",\"{prev}\"]",
                6 => $"\"type\":\"avgpool\",\"kernel\":{V(1, 2)},\"stride\":{V(2, 1)},\"padding\":{V(3, 0)}",
                _ => "\"type\":\"dropout\",\"p\":0.5",
            };
            sb.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"l{i}\",{body}{(l.Site && l.Type <= 1 ? ",\"site\":true" : "")}}},");
        }
        if (head) sb.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"gap\",\"type\":\"globalavgpool\"}},{{\"name\":\"fc\",\"type\":\"linear\",\"out\":{classes}}}");
        else sb.Length--;
        sb.Append("]}");
        return sb.ToString();
    }

    [Fact]
    public void GeneratedNetworksGiveFiniteEstimatesOrOneLineErrors()
    {
        var gen = Gen.Select(Gen.Frequency((8, Gen.Int[1, 64]), (1, Fuzz.HostileInt)), Gen.Frequency((8, Gen.Int[1, 64]), (1, Fuzz.HostileInt)),
                             Gen.Frequency((8, Gen.Int[1, 1000]), (1, Fuzz.HostileInt)), LayerGen.Array[1, 12], Gen.Int[0, 9],
                             (c, s, k, l, h) => Build(c, s, k, l, head: h > 0));
        gen.Check(j => Estimate(j), 600);
    }

    [Fact]
    public void MutatedNetworksGiveFiniteEstimatesOrOneLineErrors()
    {
        var gen = Gen.Select(Gen.Int[0, Seeds.Length - 1], Fuzz.MutationGen.List[1, 3], (s, m) => Fuzz.Mutate(Seeds[s], m));
        gen.Check(j => Estimate(j), 600);
    }

    [Fact]
    public void DamagedNetworkTextGivesOneLineErrors()
    {
        var gen = Gen.Int[0, Seeds.Length - 1].SelectMany(s => Fuzz.Damage(Seeds[s]));
        gen.Check(j => Estimate(j), 200);
    }

    /// <summary>Generated networks on the three presets with PipeLayer (no ADCs, no NUs) and ISAAC (small chip).</summary>
    [Fact]
    public void GeneratedNetworksOnEveryPresetStayFinite()
    {
        var gen = Gen.Select(Gen.Int[1, 16], Gen.Int[4, 64], LayerGen.Array[1, 8], Gen.OneOfConst("isaac", "pipelayer", "deeptrain"),
                             (c, s, l, a) => (Json: Build(c, s, 10, l, head: true), Arch: a));
        gen.Check(x => Estimate(x.Json, x.Arch), 200);
    }
}
