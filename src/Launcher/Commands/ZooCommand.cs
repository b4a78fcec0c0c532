using System.CommandLine;
using System.Text.Json;
using DeepTrain.Launcher.Output;
using DeepTrain.Model;
using DeepTrain.Model.Workloads;
using DeepTrain.Model.Workloads.Onnx;

namespace DeepTrain.Launcher.Commands;

/// <summary>`deeptrain zoo [--json]`: the built-in networks with their parameter, MAC and site counts;
/// `deeptrain zoo --export NAME [--format json|onnx] [--out FILE]` writes one of them.</summary>
public static class ZooCommand
{
    public static Command Create()
    {
        var json = Cli.JsonOption();
        json.Description = "Print {\"networks\":[{name, input, classes, parameters, macs, sites}, …]} instead of a table "
                           + "(macs: multiply-accumulates of one image's forward pass).";
        var cmd = new Command("zoo",
            "List the built-in networks: input data set, classes, parameters (as the reference definition counts them), "
            + "forward multiply-accumulates per image and normalization sites. plainD[wW][-cifar10|-cifar100] also "
            + "accepts any depth D ≥ 3 and width W. See docs/WORKLOADS.md.");
        var export = new Option<string?>("--export")
        {
            Description = "Write the zoo network NAME (a zoo name) in the --format instead of listing: the network JSON of "
                          + "docs/NETWORK_FORMAT.md, or an ONNX model with shapes only (initializers with dims, no weights).",
        };
        var format = new Option<string>("--format") { Description = "json or onnx (for --export).", DefaultValueFactory = _ => "json" };
        var output = new Option<string?>("--out")
        {
            Description = "File to write with --export (default: stdout for json, NAME.onnx in the current directory for onnx).",
        };
        cmd.Options.Add(json);
        cmd.Options.Add(export);
        cmd.Options.Add(format);
        cmd.Options.Add(output);
        cmd.SetAction(parse =>
        {
            string fmt = parse.GetValue(format)!.Trim().ToLowerInvariant();
            if (fmt is not ("json" or "onnx")) throw new UserError($"--format must be json or onnx, got '{parse.GetValue(format)}'");
            if (parse.GetValue(export) is { } name)
            {
                Export(name, fmt, parse.GetValue(output));
                return Cli.ExitOk;
            }
            if (parse.GetValue(output) is not null) throw new UserError("--out needs --export NAME");
            if (parse.GetValue(json)) WriteJson(Cli.Out);
            else WriteTable(Cli.Out);
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static void Export(string name, string format, string? path)
    {
        var network = Zoo.Get(name);
        if (format == "json" && path is null) { Cli.Out.Write(NetworkJson.Write(network)); Cli.Out.WriteLine(); return; }
        path ??= network.Name + ".onnx";
        try
        {
            if (format == "json") File.WriteAllText(path, NetworkJson.Write(network) + "\n");
            else File.WriteAllBytes(path, OnnxExport.Write(network));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserError($"--out: cannot write '{path}': {e.Message}", e);
        }
        Cli.Err.WriteLine($"wrote {path}");
    }

    private static void WriteTable(TextWriter w)
    {
        var t = new TextTable("name", "input", "shape", "classes", "parameters", "MACs", "sites");
        foreach (var name in Zoo.Names)
        {
            var n = Zoo.Get(name);
            t.Add(n.Name, n.InputKind, n.InputShape.ToString(), n.Classes, n.Parameters.ToString("N0"),
                  Units.Count(n.Macs), n.SiteCount);
        }
        w.Write(t.ToString());
    }

    private static void WriteJson(TextWriter w)
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms))
        {
            j.WriteStartObject();
            j.WriteStartArray("networks");
            foreach (var name in Zoo.Names)
            {
                var n = Zoo.Get(name);
                j.WriteStartObject();
                j.WriteString("name", n.Name);
                j.WriteString("input", n.InputKind);
                j.WriteNumber("classes", n.Classes);
                j.WriteNumber("parameters", n.Parameters);
                j.WriteNumber("macs", n.Macs);
                j.WriteNumber("sites", n.SiteCount);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        w.WriteLine(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }
}
