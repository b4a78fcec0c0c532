using System.CommandLine;
using System.Text.Json;
using DeepTrain.Launcher.Output;
using DeepTrain.Model;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Gpu;
using DeepTrain.Model.Hardware;

namespace DeepTrain.Launcher.Commands;

/// <summary>`deeptrain estimate`: time, energy, power and area of one training batch for one site mask.</summary>
public static class EstimateCommand
{
    public const string DefaultNet = "resnet50";

    public static Command Create()
    {
        var net = new Option<string>("--net") { Description = "Zoo network name, network JSON or ONNX file.", DefaultValueFactory = _ => DefaultNet };
        var arch = new Option<string>("--arch") { Description = "isaac, pipelayer, deeptrain or a spec file.", DefaultValueFactory = _ => "deeptrain" };
        var gpu = new Option<string>("--gpu") { Description = "GPU preset (gtx1080, v100, a100, h100).", DefaultValueFactory = _ => "v100" };
        var batch = Cli.IntOption("--batch", "Images per training batch.", 64, 1, OptimizeCommand.Limits.MaxBatch);
        var norm = new Option<string>("--norm") { Description = "Sites: all, none, every:K, … (see docs/MASKS.md).", DefaultValueFactory = _ => "all" };
        var precision = new Option<string>("--gpu-precision") { Description = "GPU arithmetic: fp32, tf32, mixed (alias amp).", DefaultValueFactory = _ => "fp32" };
        var detail = new Option<bool>("--detail") { Description = "Also print the per-segment, per-site and per-layer breakdown." };
        var json = Cli.JsonOption();
        var iso = new Option<string>("--iso") { Description = IsoComparison.OptionHelp };
        var cmd = new Command("estimate", "Estimate one training batch on a ReRAM-crossbar accelerator (and a GPU baseline).")
            { net, arch, gpu, precision, batch, norm, detail, json, iso };
        cmd.SetAction(r =>
        {
            int b = r.GetValue(batch);
            if (b < 1) throw new UserError($"--batch must be at least 1, got {b}");
            var network = NetworkSource.Resolve(r.GetValue(net)!);
            var spec = ArchSpec.Load(r.GetValue(arch)!);
            var mask = NormPlacement.Parse(r.GetValue(norm)!, network.SiteCount);
            var gpuResult = GpuComparison.Compute(r.GetValue(gpu)!, GpuComparison.ParsePrecision(r.GetValue(precision)!), network, b, mask);
            var e = EstimateGuard.Check(new ScalarEvaluator(ModelTables.Build(network, spec, b)).Evaluate(mask));
            gpuResult.Check(e);
            var (isoArea, isoPower) = IsoComparison.ParseTargets(r.GetValue(iso));
            var isoResult = isoArea || isoPower ? IsoComparison.Compute(r.GetValue(gpu)!, gpuResult, isoArea, isoPower, network, spec, b, mask) : null;
            if (r.GetValue(json)) { WriteJson(e, gpuResult, isoResult); return Cli.ExitOk; }
            WriteText(e, gpuResult, network.SiteCount, r.GetValue(detail));
            isoResult?.WriteText(Cli.Out);
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static void WriteJson(Estimate e, GpuComparison? g, IsoComparison? iso = null)
    {
        var o = new Dictionary<string, object?>
        {
            ["network"] = e.Network, ["arch"] = e.Arch, ["batch"] = e.Batch, ["mask"] = e.Mask,
            ["timePerBatchSeconds"] = e.TimePerBatchSeconds,
            ["imagesPerSecond"] = e.ImagesPerSecond,
            ["energyPerImageJoules"] = e.EnergyPerImageJoules,
            ["averagePowerWatts"] = e.AveragePowerWatts,
            ["areaMm2"] = e.AreaMm2,
            ["chips"] = e.Chips,
            ["crossbarsUsed"] = e.CrossbarsUsed,
            ["crossbarsAvailable"] = e.CrossbarsAvailable,
            ["activeSites"] = e.ActiveSites,
            ["gpu"] = g?.Name,
            ["gpuPrecision"] = g?.Precision.ToString().ToLowerInvariant(),
            ["gpuTimePerBatchSeconds"] = g?.TimePerBatchSeconds,
            ["gpuImagesPerSecond"] = g is null ? null : e.Batch / g.TimePerBatchSeconds,
            ["gpuEnergyPerImageJoules"] = g?.EnergyPerImageJoules,
            ["speedupVsGpu"] = g is null ? null : g.TimePerBatchSeconds / e.TimePerBatchSeconds,
            ["energyRatioVsGpu"] = g is null ? null : g.EnergyPerImageJoules / e.EnergyPerImageJoules,
            ["lifetimeBatches"] = e.LifetimeBatches,
            ["weightUpdateSeconds"] = e.WeightUpdateSeconds,
            ["energyJoulesPerBatch"] = new
            {
                compute = e.Energy.ComputeJoules, input = e.Energy.InputJoules, sites = e.Energy.SiteJoules,
                weightUpdate = e.Energy.WeightUpdateJoules, @static = e.Energy.StaticJoules,
            },
            ["segments"] = e.Segments.Select(s => new
            {
                kind = s.Kind, firstLayer = s.FirstLayer, lastLayer = s.LastLayer, stages = s.Stages,
                stageSumSeconds = s.StageSumSeconds, maxStageSeconds = s.MaxStageSeconds, makespanSeconds = s.MakespanSeconds,
            }),
            ["sites"] = e.Sites.Select(s => new
            {
                site = s.Site, afterLayer = s.AfterLayer, seconds = s.Seconds, normUnitSeconds = s.NormUnitSeconds,
                transferSeconds = s.TransferSeconds, spillSeconds = s.SpillSeconds, joules = s.Joules, spillBytes = s.SpillBytes,
            }),
            ["layers"] = e.Layers.Select(l => new
            {
                name = l.Name, crossbars = l.Crossbars, replicationForward = l.ReplicationForward,
                replicationBackward = l.ReplicationBackward, replicationGradient = l.ReplicationGradient,
                forwardSeconds = l.ForwardSeconds, backwardSeconds = l.BackwardSeconds, computeJoulesPerImage = l.ComputeJoulesPerImage,
            }),
        };
        iso?.AddJson(o);
        Cli.Out.WriteLine(JsonSerializer.Serialize(o));
    }

    private static void WriteText(Estimate e, GpuComparison? g, int sites, bool detail)
    {
        var w = Cli.Out;
        w.WriteLine($"{e.Network} on {e.Arch}: batch {e.Batch}, {e.ActiveSites}/{sites} normalization sites active");
        w.WriteLine($"  chips {e.Chips}, crossbars {e.CrossbarsUsed}/{e.CrossbarsAvailable}, area {Units.SquareMillimetres(e.AreaMm2)}");
        w.WriteLine($"  time per batch   {Units.Seconds(e.TimePerBatchSeconds),-12} images/s        {Units.Count(e.ImagesPerSecond)}");
        w.WriteLine($"  energy per image {Units.Joules(e.EnergyPerImageJoules),-12} average power   {Units.Watts(e.AveragePowerWatts)}");
        w.WriteLine($"  weight update    {Units.Seconds(e.WeightUpdateSeconds),-12} lifetime        {e.LifetimeBatches:0.##E+0} batches");
        var en = e.Energy;
        w.WriteLine($"  energy per batch: compute {Units.Joules(en.ComputeJoules)}, sites {Units.Joules(en.SiteJoules)}, "
                    + $"weight update {Units.Joules(en.WeightUpdateJoules)},");
        w.WriteLine($"                    static {Units.Joules(en.StaticJoules)}, input images {Units.Joules(en.InputJoules)}");
        if (g is not null)
        {
            w.WriteLine($"  GPU {g.Name} ({g.Precision.ToString().ToLowerInvariant()}): {Units.Seconds(g.TimePerBatchSeconds)} per batch, {Units.Joules(g.EnergyPerImageJoules)} per image");
            w.WriteLine($"    speedup {Units.Ratio(g.TimePerBatchSeconds / e.TimePerBatchSeconds)}, energy ratio {Units.Ratio(g.EnergyPerImageJoules / e.EnergyPerImageJoules)}");
        }
        else
            w.WriteLine("  GPU baseline: not available in this build");
        if (!detail) return;
        w.WriteLine();
        var segs = new TextTable("segment", "kind", "first layer", "last layer", "stages", "max stage", "makespan");
        for (int i = 0; i < e.Segments.Count; i++)
        {
            var s = e.Segments[i];
            segs.Add(i, s.Kind, s.FirstLayer, s.LastLayer, s.Stages, Units.Seconds(s.MaxStageSeconds), Units.Seconds(s.MakespanSeconds));
        }
        w.Write(segs.ToString());
        if (e.Sites.Count > 0)
        {
            w.WriteLine();
            var st = new TextTable("site", "after layer", "NU time", "transfer", "DRAM spill", "total", "energy");
            foreach (var s in e.Sites)
                st.Add(s.Site, s.AfterLayer, Units.Seconds(s.NormUnitSeconds), Units.Seconds(s.TransferSeconds), Units.Seconds(s.SpillSeconds),
                       Units.Seconds(s.Seconds), Units.Joules(s.Joules));
            w.Write(st.ToString());
        }
        w.WriteLine();
        var lt = new TextTable("layer", "crossbars", "copies F/B/G", "forward/image", "backward/image", "energy/image");
        foreach (var l in e.Layers)
            lt.Add(l.Name, l.Crossbars, $"{l.ReplicationForward}/{l.ReplicationBackward}/{l.ReplicationGradient}", Units.Seconds(l.ForwardSeconds),
                   Units.Seconds(l.BackwardSeconds), Units.Joules(l.ComputeJoulesPerImage));
        w.Write(lt.ToString());
    }
}

/// <summary>GPU baseline figures for one (network, batch, mask), from <see cref="GpuBaseline"/> (docs/GPU.md).</summary>
public sealed record GpuComparison(string Name, GpuPrecision Precision, double TimePerBatchSeconds, double EnergyPerImageJoules)
{
    public static GpuComparison Compute(string gpu, GpuPrecision precision, Model.Workloads.Network net, int batch, Model.Workloads.SiteMask mask)
    {
        var spec = GpuSpec.Load(gpu);
        var e = new GpuBaseline(net, spec, batch, precision).Estimate(mask);
        return new GpuComparison(spec.Name, precision, e.TimePerBatchSeconds, e.EnergyPerImageJoules);
    }

    /// <summary>Final guard on the GPU figures and the ratios printed against <paramref name="e"/>.</summary>
    public void Check(Estimate e)
    {
        string who = $"GPU '{Name}' with '{e.Network}' at batch {e.Batch}";
        EstimateGuard.Check(who, "time per batch", TimePerBatchSeconds);
        EstimateGuard.Check(who, "energy per image", EnergyPerImageJoules);
        EstimateGuard.Check(who, "images per second", e.Batch / TimePerBatchSeconds);
        EstimateGuard.Check(who, "speedup", TimePerBatchSeconds / e.TimePerBatchSeconds);
        EstimateGuard.Check(who, "energy ratio", EnergyPerImageJoules / e.EnergyPerImageJoules);
    }

    public static GpuPrecision ParsePrecision(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" => GpuPrecision.Fp32,
        "tf32" => GpuPrecision.Tf32,
        // "amp" is PyTorch's name for the same thing. "fp16" is refused, not read as mixed: pure FP16 (FP16 master
        // weights, 2-byte gradients) is a different baseline that the model does not have.
        "mixed" or "amp" => GpuPrecision.Mixed,
        _ => throw new UserError($"--gpu-precision '{text}' is not one of fp32, tf32, mixed (amp is an alias of mixed; " +
                                 "pure fp16 is not modelled: mixed is FP16 tensor cores with FP32 master weights)"),
    };
}
