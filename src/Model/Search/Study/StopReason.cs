namespace DeepTrain.Model.Search.Study;

/// <summary>Why a study ended (the `optimize` summary and its --json <c>stopReason</c>).</summary>
public enum StopReason
{
    /// <summary>Every oracle call of --budget was made.</summary>
    Budget,
    /// <summary>Budget left, but the method proposed nothing: no unobserved candidate it scored worth a call
    /// (BO: none with f &lt; f_best and positive acquisition; greedy: no feasible drop; every-k: no placement left).</summary>
    NoImprovingCandidate,
    /// <summary>Every mask of the space (2^sites) was observed.</summary>
    Exhausted,
    /// <summary>An oracle error ended the study (it ends with that error, one line, exit 2).</summary>
    OracleError,
}

public static class StopReasons
{
    /// <summary>Short stable word for --json.</summary>
    public static string Word(this StopReason r) => r switch
    {
        StopReason.Budget => "budget",
        StopReason.NoImprovingCandidate => "no-improving-candidate",
        StopReason.Exhausted => "exhausted",
        _ => "oracle-error",
    };

    /// <summary>One sentence for the text summary.</summary>
    public static string Sentence(this StopReason r, StudyState s) => r switch
    {
        StopReason.Budget => $"budget used ({s.OracleCalls} of {s.Config.Budget} calls)",
        StopReason.NoImprovingCandidate =>
            $"no candidate left worth a call ({s.Config.Budget - s.OracleCalls} of {s.Config.Budget} calls unused): the method " +
            "found no unobserved mask with positive acquisition" +
            (s.Objective.Name == "sites" && s.Incumbent is { } inc && inc.Mask.Count == 0 ? "; 0 sites is the proven optimum" : ""),
        StopReason.Exhausted => $"every one of the {Space(s.SiteCount)} masks was observed: the incumbent is the optimum",
        _ => "oracle error",
    };

    /// <summary>Why a study that ended with this state stopped: budget spent, else every mask observed, else the
    /// method had nothing left to ask (a study only ends early when its proposer returns no mask).</summary>
    public static StopReason Of(StudyState s)
    {
        if (s.OracleCalls >= s.Config.Budget) return StopReason.Budget;
        if (s.SiteCount < 62 && s.Masks.Count >= 1L << s.SiteCount) return StopReason.Exhausted;
        return StopReason.NoImprovingCandidate;
    }

    private static string Space(int sites) => sites < 62 ? (1L << sites).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : $"2^{sites}";
}
