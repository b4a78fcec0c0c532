using System.Text.RegularExpressions;
using DeepTrain.Model;

namespace DeepTrain.Actors.Hosting;

/// <summary>
/// `--allow-oracle PATTERN` on a worker: a command oracle whose program (the first argument of its template, as
/// split without a shell) does not match any pattern is refused with an <see cref="OracleError"/>, which the
/// evaluation worker records as the observation's error. Patterns match the whole program string; * and ? are
/// wildcards. No pattern at all means no command oracle may run on this worker.
/// </summary>
public sealed class OracleAllowList(IReadOnlyList<string> patterns)
{
    private readonly Regex[] _res = patterns.Select(p =>
        new Regex("^" + Regex.Escape(p).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant)).ToArray();

    public IReadOnlyList<string> Patterns => patterns;

    public bool Allows(string program) => _res.Any(r => r.IsMatch(program));

    public void Check(string program)
    {
        if (!Allows(program))
            throw new OracleRefused($"command oracle program '{program}' refused: it matches no --allow-oracle pattern on this worker" +
                                  (patterns.Count == 0 ? " (none given)" : $" ({string.Join(", ", patterns)})"));
    }
}

/// <summary>A worker's refusal to run an oracle: recorded as the call's error (the study goes on), unlike other
/// <see cref="OracleError"/>s, which stop the study.</summary>
public sealed class OracleRefused(string message) : OracleError(message);

/// <summary>Wraps a command oracle so the worker refuses, with a recorded error, programs outside its allow list.</summary>
public sealed class AllowListedOracle(Coordination.IOracleRunner inner, string program, OracleAllowList allow) : Coordination.IOracleRunner
{
    public Task<double> EvaluateAsync(string mask, int seed, CancellationToken cancel)
    {
        allow.Check(program);
        return inner.EvaluateAsync(mask, seed, cancel);
    }
}
