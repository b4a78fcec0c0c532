using System.CommandLine;
using DeepTrain.Model;

namespace DeepTrain.Launcher;

/// <summary>
/// Shared command-line plumbing: parse errors and <see cref="UserError"/>s become one line on stderr and exit code 2,
/// never a stack trace. Commands write through <see cref="Out"/>/<see cref="Err"/> so tests can capture output.
/// </summary>
public static class Cli
{
    public const int ExitOk = 0;
    public const int ExitUserError = 2;
    /// <summary>Internal failure (a bug): one line plus the exception type, exit 1.</summary>
    public const int ExitInternal = 1;

    [ThreadStatic] private static TextWriter? _out;
    [ThreadStatic] private static TextWriter? _err;

    public static TextWriter Out => _out ?? Console.Out;
    public static TextWriter Err => _err ?? Console.Error;

    public static int Invoke(RootCommand root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var prevOut = _out; var prevErr = _err;
        _out = stdout; _err = stderr;
        try
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                stderr.WriteLine($"deeptrain: {parse.Errors[0].Message} (see --help)");
                return ExitUserError;
            }
            var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            return parse.Invoke(config);
        }
        catch (UserError e)
        {
            stderr.WriteLine($"deeptrain: {OneLine(e.Message)}");
            return ExitUserError;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("deeptrain: cancelled");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"deeptrain: {OneLine(e.Message)}");
            return ExitUserError;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"deeptrain: internal error ({e.GetType().Name}): {OneLine(e.Message)}");
            return ExitInternal;
        }
        finally
        {
            _out = prevOut; _err = prevErr;
        }
    }

    public static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    /// <summary>Standard `--json` flag.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON object on stdout instead of tables." };

    /// <summary>Standard `--quiet` flag: no progress display.</summary>
    public static Option<bool> QuietOption() => new("--quiet", "-q") { Description = "No progress display." };
}
