using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;
using DeepTrain.Reports.Data;
using DeepTrain.Reports.Figures;

namespace DeepTrain.Reports.Adapters;

/// <summary>
/// The report for one or more study logs (methods and/or seeds of one problem): convergence of the best feasible
/// objective, and, when the study names a network, every evaluated mask on the exact time-vs-sites front and the
/// chosen mask's time stack against all sites and none.
/// </summary>
public static class StudyReport
{
    /// <param name="resolve">Network by name (the launcher passes Zoo.Resolve).</param>
    public static Report Build(IReadOnlyList<(string Path, StudyLog.Contents Log)> logs, Func<string, Network> resolve,
                               ArchSpec spec, int batch)
    {
        if (logs.Count == 0) throw new ArgumentException("no study logs");
        var first = logs[0].Log.Config;
        foreach (var (path, l) in logs)
            if (l.Config.SiteCount != first.SiteCount || l.Config.Objective != first.Objective || l.Config.Network != first.Network)
                throw new Model.UserError($"{path}: a different problem than {logs[0].Path} (network, sites or objective differ)");
        var states = logs.Select(l => StudyAdapters.Replay(l.Log)).ToArray();
        var convergence = ConvergenceFigure.Build(StudyAdapters.ToConvergence(logs.Select(l => l.Log).ToArray()), "convergence");

        // The best incumbent over all logs (lowest objective).
        var best = states.Select(s => (State: s, Inc: s.Incumbent)).Where(x => x.Inc is not null)
                         .OrderBy(x => x.Inc!.Objective).FirstOrDefault();
        string unit = StudyAdapters.UnitOf(first.Objective);
        string Obj(double v) => unit is "s" or "J" ? Fmt.Eng(v, unit) : $"{Fmt.Number(v)} {unit}".Trim();

        var runs = new ReportTable(["log", "method", "seed", "oracle calls", "reference accuracy", "threshold", "best feasible", "active sites"],
            logs.Select((l, i) => (IReadOnlyList<string>)
            [
                Path.GetFileName(l.Path), l.Log.Config.Method, l.Log.Config.Seed.ToString(), states[i].OracleCalls.ToString(),
                states[i].ReferenceAccuracy is double a ? $"{a:F2} %" : "n/a",
                states[i].ReferenceAccuracy is null ? "n/a" : $"{states[i].Threshold:F2} %",
                states[i].Incumbent is { } inc ? Obj(inc.Objective) : "none",
                states[i].Incumbent is { } inc2 ? inc2.Mask.Count.ToString() : "",
            ]).ToArray());

        var sections = new List<ReportSection>
        {
            new("Search convergence") { Figures = [convergence], Table = runs },
        };
        var summary = new List<string>
        {
            $"{logs.Count} study log(s) of {(string.IsNullOrEmpty(first.Network) ? $"a {first.SiteCount}-site problem" : first.Network)}, " +
            $"objective {StudyAdapters.QuantityOf(first.Objective)}, accuracy tolerance {first.TolerancePercent:F2} points, oracle {first.Oracle}.",
            best.Inc is { } b
                ? $"Best feasible mask: {b.Mask.Count} of {first.SiteCount} sites, {StudyAdapters.QuantityOf(first.Objective)} {Obj(b.Objective)} (mask {b.Mask})."
                : "No feasible mask was found.",
        };

        if (!string.IsNullOrEmpty(first.Network))
        {
            var net = resolve(first.Network);
            if (net.SiteCount != first.SiteCount)
                throw new Model.UserError($"{logs[0].Path}: the study has {first.SiteCount} sites but network '{net.Name}' has {net.SiteCount}");
            var tables = ModelTables.Build(net, spec, batch);
            var model = new ScalarEvaluator(tables);
            var evaluated = states.SelectMany(s => StudyAdapters.Evaluated(s, model)).ToArray();
            EvaluatedMask? chosen = best.Inc is { } c
                ? new EvaluatedMask(c.Mask.Count, model.TimePerBatchSeconds(c.Mask), true, c.Mask.ToString()) : null;
            var front = SitesFrontFigure.Build(new SitesFront(net.Name, EstimateAdapters.ToFront(PlacementDp.Solve(tables)), evaluated, chosen, net.SiteCount), "sites-front");
            sections.Add(new ReportSection("Time per batch versus active sites")
            {
                Figures = [front],
                Paragraphs = [$"Model time per batch on {spec.Name} at batch {batch} for every mask the study evaluated, against the exact fastest placement for each number of sites."],
            });
            var bars = new List<(string, Estimate)>();
            if (best.Inc is { } ch) bars.Add(($"chosen ({ch.Mask.Count} sites)", model.Evaluate(ch.Mask)));
            bars.Add(($"all {net.SiteCount} sites", model.Evaluate(SiteMask.All(net.SiteCount))));
            bars.Add(("no sites", model.Evaluate(SiteMask.None(net.SiteCount))));
            sections.Add(new ReportSection("Time per batch by pipeline segment")
            {
                Figures = [BreakdownFigure.Build(EstimateAdapters.ToBreakdown($"{net.Name} on {spec.Name}, batch {batch}", bars.ToArray()), "breakdown")],
            });
        }
        return new Report($"DeepTrain study report: {(string.IsNullOrEmpty(first.Network) ? $"{first.SiteCount} sites" : first.Network)}")
        {
            Summary = summary,
            Sections = sections,
        };
    }
}
