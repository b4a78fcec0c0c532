using System.Collections.Concurrent;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Coordination;
using DeepTrain.Model;
using DeepTrain.Model.Search.Oracles;

namespace DeepTrain.Actors.Hosting;

/// <summary>
/// A worker node's oracles for submitted studies: each proposal names its oracle as text (the --oracle spec), parsed
/// here with the same <see cref="OracleRegistry"/> as single-node optimize (so train:, proxy:, table:, synthetic: and
/// command: mean the same everywhere). A command oracle whose program matches none of the node's --allow-oracle
/// patterns is refused with an <see cref="OracleError"/>, which the evaluation worker records as the observation's
/// error; the program is run as an argument vector, never through a shell. Parsed oracles are cached per spec.
/// </summary>
public sealed class WorkerOracles(OracleAllowList allow, IOracleRunner? local = null)
{
    private readonly ConcurrentDictionary<string, IOracleRunner> _cache = new();

    public IOracleRunner For(EvaluateProposal p)
    {
        if (string.IsNullOrEmpty(p.Oracle))
            return local ?? throw new OracleError("the proposal names no oracle and this worker has none of its own");
        if (p.SiteCount < 1 || p.Attempts is < 1 or > 100 || !(p.TimeoutSeconds > 0))
            throw new OracleError($"proposal {p.ProposalId}: invalid oracle settings (sites {p.SiteCount}, attempts {p.Attempts}, timeout {p.TimeoutSeconds} s)");
        CheckAllowed(p.Oracle);
        string key = string.Join('\n', p.Oracle, p.Network, p.SiteCount, p.TimeoutSeconds.ToString("R"), p.Attempts);
        return _cache.GetOrAdd(key, _ => new AccuracyOracleRunner(
            OracleRegistry.Parse(p.Oracle, new OracleContext(p.SiteCount, p.Network, TimeSpan.FromSeconds(p.TimeoutSeconds), p.Attempts)),
            p.Network, p.SiteCount));
    }

    /// <summary>The program of a command: spec (first argument of its template, split without a shell), or null.</summary>
    public static string? CommandProgram(string spec)
    {
        int colon = spec.IndexOf(':');
        if (colon < 0 || !spec[..colon].Trim().Equals("command", StringComparison.OrdinalIgnoreCase)) return null;
        var arg = spec[(colon + 1)..].Trim();
        if (arg.Length >= 2 && arg[0] == '"' && arg[^1] == '"' && arg.IndexOf('"', 1) == arg.Length - 1) arg = arg[1..^1];
        var argv = CommandOracle.SplitArguments(arg);
        return argv.Length > 0 ? argv[0] : "";
    }

    private void CheckAllowed(string spec)
    {
        if (CommandProgram(spec) is { } program) allow.Check(program);
    }
}
