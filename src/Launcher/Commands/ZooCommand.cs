using System.CommandLine;
using System.Text.Json;
using DeepTrain.Launcher.Output;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Launcher.Commands;

/// <summary>`deeptrain zoo [--json]`: the built-in networks with their parameter, MAC and site counts.</summary>
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
        cmd.Options.Add(json);
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(json)) WriteJson(Cli.Out);
            else WriteTable(Cli.Out);
            return Cli.ExitOk;
        });
        return cmd;
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
