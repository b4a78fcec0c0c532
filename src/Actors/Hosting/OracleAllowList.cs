using System.Text.RegularExpressions;
using System.Runtime.InteropServices;
using DeepTrain.Model;
using DeepTrain.Model.Search.Oracles;

namespace DeepTrain.Actors.Hosting;

/// <summary>
/// `--allow-oracle PATTERN` on a worker: a command oracle whose program (the first argument of its template, as
/// split without a shell) does not match any pattern is refused with an <see cref="OracleError"/>, which the
/// evaluation worker records as the observation's error. Patterns match the whole program string; * and ? are
/// wildcards. No pattern at all means no command oracle may run on this worker.
/// The program is matched in canonical form: a path is made absolute with `..` and `.` resolved and every symlink
/// followed (realpath), so `/x/bin/../../usr/bin/touch` is `/usr/bin/touch` and a link inside an allowed folder
/// to a program outside it is refused; a pattern's literal folder is canonicalized the same way. A bare name
/// (`python3`) matches a pattern as written, or a pattern with a slash as the file PATH finds; a path matches in
/// canonical form only (so `*` still allows everything).
/// Placeholders ({mask}, {net}, {seed}) are never allowed in the program position: a program chosen per call
/// cannot be checked before the call.
/// </summary>
public sealed class OracleAllowList(IReadOnlyList<string> patterns)
{
    private readonly (Regex Re, bool IsPath)[] _res = patterns.Select(p =>
        (new Regex("^" + Regex.Escape(CanonicalPattern(p)).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant),
         p.Contains('/'))).ToArray();

    public IReadOnlyList<string> Patterns => patterns;

    public bool Allows(string program)
    {
        if (CommandOracle.Placeholders.Any(program.Contains)) return false;
        if (!program.Contains('/'))
        {
            if (_res.Any(r => !r.IsPath && r.Re.IsMatch(program))) return true;
            return OracleProcess.Resolve(program) is { } found && _res.Any(r => r.IsPath && r.Re.IsMatch(Canonical(found)));
        }
        string canonical = Canonical(program);
        return _res.Any(r => r.Re.IsMatch(canonical));
    }

    public void Check(string program)
    {
        if (CommandOracle.Placeholders.Any(program.Contains))
            throw new OracleRefused($"command oracle program '{program}' refused: placeholders are not allowed in the program position");
        if (!Allows(program))
            throw new OracleRefused($"command oracle program '{program}' refused" +
                                  (program.Contains('/') && Canonical(program) != program ? $" (it is {Canonical(program)})" : "") +
                                  ": it matches no --allow-oracle pattern on this worker" +
                                  (patterns.Count == 0 ? " (none given)" : $" ({string.Join(", ", patterns)})"));
    }

    /// <summary>Absolute, `..`-free, symlink-free form of a path (the part that exists is resolved with realpath).</summary>
    public static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        if (RealPath(full) is { } real) return real;
        // Not there (yet): resolve the deepest existing folder and keep the rest as written.
        string? dir = Path.GetDirectoryName(full);
        string rest = Path.GetFileName(full);
        while (dir is not null)
        {
            if (RealPath(dir) is { } realDir) return Path.Combine(realDir, rest);
            rest = Path.Combine(Path.GetFileName(dir), rest);
            dir = Path.GetDirectoryName(dir);
        }
        return full;
    }

    /// <summary>The pattern with its literal folder (everything before the first wildcard, up to a slash) canonicalized.</summary>
    private static string CanonicalPattern(string p)
    {
        if (!p.StartsWith('/')) return p;
        int wild = p.IndexOfAny(['*', '?']);
        if (wild < 0) return Canonical(p);
        int slash = p.LastIndexOf('/', wild);
        string dir = slash <= 0 ? "/" : p[..slash];
        string canonicalDir = Canonical(dir);
        return canonicalDir.TrimEnd('/') + p[slash..];
    }

    private static string? RealPath(string path)
    {
        if (OperatingSystem.IsWindows()) return File.Exists(path) || Directory.Exists(path) ? Path.GetFullPath(path) : null;
        nint r = realpath(path, 0);
        if (r == 0) return null;
        try { return Marshal.PtrToStringUTF8(r); }
        finally { free(r); }
    }

    [DllImport("libc", SetLastError = true)] private static extern nint realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, nint resolved);
    [DllImport("libc")] private static extern void free(nint p);
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
