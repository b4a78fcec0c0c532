using System.CommandLine;
using System.Text.Json;
using DeepTrain.Launcher.Output;
using DeepTrain.Model;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;

namespace DeepTrain.Launcher.Commands;

/// <summary>`deeptrain pareto`: the exact fastest placement of k active sites for every k (hardware Pareto front).</summary>
public static class ParetoCommand
{
    public static Command Create()
    {
        var net = new Option<string>("--net") { Description = "Zoo network name, network JSON or ONNX file.", DefaultValueFactory = _ => EstimateCommand.DefaultNet };
        var arch = new Option<string>("--arch") { Description = "isaac, pipelayer, deeptrain or a spec file.", DefaultValueFactory = _ => "deeptrain" };
        var batch = Cli.IntOption("--batch", "Images per training batch.", 64, 1, OptimizeCommand.Limits.MaxBatch);
        var json = Cli.JsonOption();
        var cmd = new Command("pareto", "Fastest placement of k normalization sites for every k (exact dynamic program).") { net, arch, batch, json };
        cmd.SetAction(r =>
        {
            int b = r.GetValue(batch);
            if (b < 1) throw new UserError($"--batch must be at least 1, got {b}");
            var network = NetworkSource.Resolve(r.GetValue(net)!);
            var spec = ArchSpec.Load(r.GetValue(arch)!);
            var front = PlacementDp.Solve(ModelTables.Build(network, spec, b));
            if (r.GetValue(json))
            {
                Cli.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    network = network.Name, arch = spec.Name, batch = b, sites = network.SiteCount,
                    placements = front.Select(p => new { k = p.K, timePerBatchSeconds = p.TimePerBatchSeconds, mask = p.Mask.ToString() }),
                }));
                return Cli.ExitOk;
            }
            Cli.Out.WriteLine($"{network.Name} on {spec.Name}, batch {b}: fastest placement for each number of active sites k");
            var t = new TextTable("k", "time/batch", "images/s", "mask (site 0 first)");
            foreach (var p in front)
                t.Add(p.K, Units.Seconds(p.TimePerBatchSeconds), Units.Count(b / p.TimePerBatchSeconds), p.Mask.ToString());
            Cli.Out.Write(t.ToString());
            return Cli.ExitOk;
        });
        return cmd;
    }
}
