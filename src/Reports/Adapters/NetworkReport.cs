using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Gpu;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Workloads;
using DeepTrain.Reports.Data;
using DeepTrain.Reports.Figures;

namespace DeepTrain.Reports.Adapters;

/// <summary>
/// The report for one (network, architecture, batch): time stacks for a chosen mask vs all sites vs none, the
/// per-layer stage times, and the exact sites-vs-time front from the placement DP. All numbers come from
/// <see cref="ScalarEvaluator"/> and <see cref="PlacementDp"/>.
/// </summary>
public static class NetworkReport
{
    /// <summary>Networks compared against the GPUs besides the reported one.</summary>
    public static readonly IReadOnlyList<string> DefaultComparisonNetworks = ["resnet20", "resnet56", "resnet50", "vgg16_bn"];

    public static Report Build(Network net, ArchSpec spec, int batch, SiteMask? chosen = null, string chosenText = "",
                               IReadOnlyList<Network>? compare = null, IReadOnlyList<GpuSpec>? gpus = null)
    {
        var tables = ModelTables.Build(net, spec, batch);
        var eval = new ScalarEvaluator(tables);
        int s = net.SiteCount;
        var all = eval.Evaluate(SiteMask.All(s));
        var none = eval.Evaluate(SiteMask.None(s));
        var bars = new List<(string, Estimate)>();
        Estimate? ch = null;
        if (chosen is not null && !chosen.Equals(SiteMask.All(s)) && !chosen.Equals(SiteMask.None(s)))
        {
            ch = eval.Evaluate(chosen);
            bars.Add(($"chosen ({ch.ActiveSites} sites)", ch));
        }
        bars.Add(($"all {s} sites", all));
        bars.Add(("no sites", none));
        var front = PlacementDp.Solve(tables);
        string title = $"{net.Name} on {spec.Name}, batch {batch}";

        var breakdown = BreakdownFigure.Build(EstimateAdapters.ToBreakdown(title, bars.ToArray()), "breakdown");
        var layers = BreakdownFigure.Build(EstimateAdapters.ToLayerStages($"{title}: per-layer stage times ({(ch ?? all).ActiveSites} sites)", ch ?? all), "layers");
        var sitesFront = SitesFrontFigure.Build(new SitesFront(net.Name, EstimateAdapters.ToFront(front), [],
            ch is null ? null : new EvaluatedMask(ch.ActiveSites, ch.TimePerBatchSeconds, true, ch.Mask), s), "sites-front");

        var nets = new List<Network> { net };
        foreach (var n in compare ?? []) if (nets.All(x => x.Name != n.Name)) nets.Add(n);
        // The sites the user chose (--norm) on every network, chip and GPUs alike; all sites when none was chosen.
        // A selector that does not fit a compared network (a mask: of another length) leaves that network out.
        string sitesLabel = chosen is null ? "all normalization sites active" : $"normalization sites {chosenText}";
        var skipped = new List<string>();
        SiteMask? MaskFor(Network n)
        {
            if (chosen is null) return SiteMask.All(n.SiteCount);
            if (ReferenceEquals(n, net)) return chosen;
            try { return NormPlacement.Parse(chosenText, n.SiteCount); }
            catch (DeepTrain.Model.UserError) { skipped.Add(n.Name); return null; }
        }
        var gpuData = GpuComparisonFor(nets, spec, batch, gpus ?? GpuSpec.Presets.Select(GpuSpec.Load).ToArray(), MaskFor, sitesLabel);
        if (skipped.Count > 0)
            gpuData = gpuData with { Note = gpuData.Note + $" Left out ({chosenText} does not apply to them): {string.Join(", ", skipped)}." };
        var gpuFigures = GpuComparisonFigure.Build(gpuData, "gpu");
        var gpuTable = new ReportTable(["network", "device", "images/s", "energy/image"],
            gpuData.Networks.SelectMany(n => n.Devices.Select(d => (IReadOnlyList<string>)
                [n.Network, d.Device, Fmt.Rate(d.ImagesPerSecond), Fmt.Joules(d.JoulesPerImage)])).ToArray());

        var summary = new ReportTable(["mask", "active sites", "time/batch", "images/s", "energy/image", "power"],
            bars.Select(b => (IReadOnlyList<string>)
            [
                b.Item1, b.Item2.ActiveSites.ToString(), Fmt.Seconds(b.Item2.TimePerBatchSeconds), Fmt.Rate(b.Item2.ImagesPerSecond),
                Fmt.Joules(b.Item2.EnergyPerImageJoules), Fmt.Watts(b.Item2.AveragePowerWatts),
            ]).ToArray());
        return new Report($"DeepTrain report: {title}")
        {
            Summary =
            [
                $"{net.Name} ({s} normalization sites) trained on {spec.Name} at batch {batch}: {Fmt.Seconds(all.TimePerBatchSeconds)} per batch " +
                $"with every site active, {Fmt.Seconds(none.TimePerBatchSeconds)} with none" +
                (ch is null ? "." : $", {Fmt.Seconds(ch.TimePerBatchSeconds)} with the chosen {ch.ActiveSites} ({chosenText})."),
                $"Chip area {all.AreaMm2:F1} mm² over {all.Chips} chip(s); {all.CrossbarsUsed} of {all.CrossbarsAvailable} crossbars used.",
            ],
            Sections =
            [
                new("Time per batch by pipeline segment") { Figures = [breakdown], Table = summary },
                new("Fastest placement for each number of sites") { Figures = [sitesFront],
                    Paragraphs = ["Each point is the exact fastest choice of k active sites (placement dynamic program); removing a site never slows a batch, so the curve rises with k."] },
                new("Per-layer stage times") { Figures = [layers] },
                new($"{ArchLabel(spec.Name)} against GPUs")
                {
                    Figures = gpuFigures, Table = gpuTable,
                    Paragraphs = [$"Batch {batch}, {sitesLabel} on the accelerator and on the GPUs alike; GPUs from the roofline baseline in FP32 with calibrated efficiencies (docs/GPU.md)."],
                },
            ],
        };
    }

    /// <summary>DeepTrain (this spec) and each GPU preset on each network, same batch and same mask:
    /// <paramref name="maskFor"/>'s (null = all sites; a null mask leaves the network out).</summary>
    public static GpuComparison GpuComparisonFor(IReadOnlyList<Network> nets, ArchSpec spec, int batch, IReadOnlyList<GpuSpec> gpus,
                                                 Func<Network, SiteMask?>? maskFor = null, string sitesLabel = "all normalization sites active")
    {
        var rows = new List<NetworkComparison>();
        foreach (var n in nets)
        {
            var mask = maskFor is null ? SiteMask.All(n.SiteCount) : maskFor(n);
            if (mask is null) continue;
            var e = new ScalarEvaluator(ModelTables.Build(n, spec, batch)).Evaluate(mask);
            var devices = new List<DeviceResult> { new(ArchLabel(spec.Name), e.ImagesPerSecond, e.EnergyPerImageJoules) };
            foreach (var g in gpus) devices.Add(GpuAdapters.ToDevice(new GpuBaseline(n, g, batch).Estimate(mask)));
            rows.Add(new NetworkComparison(n.Name, devices));
        }
        return new GpuComparison(rows, $"Batch {batch}, {sitesLabel}.");
    }

    /// <summary>"deeptrain" → "DeepTrain", "isaac" → "ISAAC", "pipelayer" → "PipeLayer"; other names unchanged.</summary>
    public static string ArchLabel(string name) => name.ToLowerInvariant() switch
    {
        "deeptrain" => "DeepTrain",
        "isaac" => "ISAAC",
        "pipelayer" => "PipeLayer",
        _ => name,
    };
}
