using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Search.Study;
using DeepTrain.Model.Workloads;
using DeepTrain.Reports.Data;
using DeepTrain.Reports.Figures;

namespace DeepTrain.Reports.Adapters;

/// <summary>
/// From study logs (<see cref="StudyLog"/>) to figure records. Feasibility and the incumbent are the study's own
/// (<see cref="StudyState"/>, replayed observation by observation); the model supplies time per batch.
/// </summary>
public static class StudyAdapters
{
    /// <summary>Replays a log's observations into a fresh state.</summary>
    public static StudyState Replay(StudyLog.Contents log)
    {
        var st = new StudyState(log.Config, new LoggedObjective(log.Config));
        foreach (var o in log.Observations) st.Add(o);
        return st;
    }

    /// <summary>Best feasible objective after each oracle call, as the study saw it. Reference calls count: they are
    /// oracle calls and the budget counts them (`optimize --budget`: "oracle calls in total, reference included"), so
    /// call n on the axis is the n-th call the oracle ran.</summary>
    public static ConvergenceRun ToRun(StudyLog.Contents log)
    {
        var st = new StudyState(log.Config, new LoggedObjective(log.Config));
        var best = new List<double>();
        foreach (var o in log.Observations)
        {
            st.Add(o);
            best.Add(st.Incumbent?.Objective ?? double.NaN);
        }
        return ConvergenceRun.FromBestSoFar(log.Config.Method, log.Config.Seed, best);
    }

    public static Convergence ToConvergence(IReadOnlyList<StudyLog.Contents> logs)
    {
        var c = logs[0].Config;
        string unit = UnitOf(c.Objective);
        return new Convergence(QuantityOf(c.Objective), unit, logs.Select(ToRun).ToArray());
    }

    /// <summary>Every distinct mask the study sent to the oracle, with model time per batch and the study's verdict.</summary>
    public static IReadOnlyList<EvaluatedMask> Evaluated(StudyState st, ScalarEvaluator model) =>
        st.Masks.Select(r => new EvaluatedMask(r.Mask.Count, model.TimePerBatchSeconds(r.Mask), st.IsFeasible(r), r.Mask.ToString())).ToArray();

    internal static string UnitOf(string objective) => objective.ToLowerInvariant() switch
    {
        "time" => "s",
        "energy" => "J",
        "sites" => "sites",
        _ => "",
    };

    internal static string QuantityOf(string objective) => objective.ToLowerInvariant() switch
    {
        "time" => "time per batch",
        "energy" => "energy per image",
        "sites" => "active sites",
        _ => objective,
    };

    // The log already holds every objective value; the state needs an objective only for its name, unit and size.
    private sealed class LoggedObjective(StudyConfig c) : IMaskObjective
    {
        public int SiteCount => c.SiteCount;
        public string Name => c.Objective;
        public string Unit => UnitOf(c.Objective);
        public void Evaluate(ReadOnlySpan<ulong> packedMasks, int count, Span<double> values) =>
            throw new NotSupportedException("a replayed study log has no objective to evaluate");
        public IEnumerable<SiteMask> Seeds => [];
    }
}
