using DeepTrain.Model.Search.Problems;

namespace DeepTrain.Model.Search.Oracles;

/// <summary>What an oracle factory may need besides its argument text.</summary>
public sealed record OracleContext(int SiteCount, string Network, TimeSpan Timeout, int Attempts);

/// <summary>
/// Parses `--oracle KIND:ARGUMENT` into an oracle. Built in: table:FILE, command:"PROGRAM ARG…",
/// synthetic:critical[-SITES-CRITICAL-SEED] and synthetic:contamination[-SEED]. Other assemblies add kinds with
/// <see cref="Register"/> (e.g. "train", "proxy") before parsing. Failing calls are retried per
/// <see cref="OracleContext.Attempts"/>.
/// </summary>
public static class OracleRegistry
{
    private static readonly Dictionary<string, Func<string, OracleContext, IAccuracyOracle>> Factories =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["table"] = (arg, ctx) => new TableOracle(arg, ctx.SiteCount),
            ["command"] = (arg, ctx) => new CommandOracle(arg, ctx.Timeout),
            ["synthetic"] = (arg, ctx) => new SyntheticOracle(SyntheticProblem(arg, ctx.SiteCount)),
        };
    private static readonly object Gate = new();

    public static void Register(string kind, Func<string, OracleContext, IAccuracyOracle> factory)
    {
        lock (Gate) Factories[kind] = factory;
    }

    public static IReadOnlyCollection<string> Kinds { get { lock (Gate) return Factories.Keys.ToArray(); } }

    public static IAccuracyOracle Parse(string spec, OracleContext context)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new OracleError("--oracle: empty; use table:FILE.csv or command:\"PROGRAM ARG…\"");
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? spec.Trim() : spec[..colon].Trim();
        string arg = colon < 0 ? "" : spec[(colon + 1)..].Trim();
        if (arg.Length >= 2 && arg[0] == '"' && arg[^1] == '"' && kind.Equals("command", StringComparison.OrdinalIgnoreCase)
            && arg.IndexOf('"', 1) == arg.Length - 1) arg = arg[1..^1];
        Func<string, OracleContext, IAccuracyOracle>? f;
        lock (Gate) Factories.TryGetValue(kind, out f);
        if (f is null) throw new OracleError($"--oracle: unknown kind '{kind}'; known: {string.Join(", ", Kinds.Order())}");
        var oracle = f(arg, context);
        return context.Attempts > 1 ? new RetryingOracle(oracle, context.Attempts) : oracle;
    }

    /// <summary>synthetic:critical-S-C-SEED (default 20 sites, 4 critical, seed 1), synthetic:contamination[-SEED], or a
    /// suite problem (<see cref="SuiteProblem.TryParse"/>: windows|spacing|pairs|budget-SITES[,seed=N][,noise=SD], plain6).</summary>
    public static ISyntheticProblem SyntheticProblem(string arg, int siteCount)
    {
        if (SuiteProblem.TryParse(arg) is { } suite) return suite;
        var parts = arg.Split('-', StringSplitOptions.TrimEntries);
        int P(int i, int d) => parts.Length > i && int.TryParse(parts[i], out int v) ? v : d;
        return parts[0].ToLowerInvariant() switch
        {
            "critical" => new CriticalSitesProblem(P(1, 20), P(2, 4), P(3, 1)),
            "contamination" => new ContaminationProblem(P(1, 1)),
            _ => throw new OracleError($"--oracle synthetic:{arg}: unknown problem; use windows|spacing|pairs|budget-SITES[,noise=SD][,seed=N], plain6, critical-SITES-CRITICAL-SEED or contamination-SEED"),
        };
    }
}
