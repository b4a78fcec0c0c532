using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
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
                string suggestion = Suggestion(parse);
                string message = suggestion.Length > 0
                    ? $"unknown {(parse.UnmatchedTokens[0].StartsWith('-') ? "option" : "command")} '{parse.UnmatchedTokens[0]}'{suggestion}"
                    : OneLine(parse.Errors[0].Message);
                stderr.WriteLine($"deeptrain: {message} (see --help)");
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

    /// <summary>" (did you mean --tolerance?)" for the first unknown token when a command or option name of the command
    /// being parsed is within a small edit distance of it; "" otherwise.</summary>
    internal static string Suggestion(ParseResult parse)
    {
        if (parse.UnmatchedTokens.Count == 0) return "";
        string token = parse.UnmatchedTokens[0];
        string typed = token.Split('=', 2)[0];
        var command = parse.CommandResult.Command;
        IEnumerable<string> names = typed.StartsWith('-')
            ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
        return NearestName.Hint(typed, names.Distinct());
    }

    /// <summary>Standard `--json` flag.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON object on stdout instead of tables." };

    /// <summary>Standard `--quiet` flag: no progress display. Every command that has it spells it `--quiet`/`-q`.</summary>
    public static Option<bool> QuietOption() => new("--quiet", "-q") { Description = "No progress display." };

    // ---- Numeric options: invariant, strict, with a documented range -------------------------------------------
    // System.CommandLine's default conversion uses the current culture and accepts thousands separators ("0,5" → 5
    // under en-US) and "Infinity"; every numeric option of every command goes through these instead. The range is
    // printed in --help and a value outside it is a one-line error naming the option.

    /// <summary>Integer option in [<paramref name="min"/>, <paramref name="max"/>], parsed invariantly: an optional
    /// leading '-', then digits; nothing else (no separators, spaces, exponents or signs elsewhere).</summary>
    public static Option<int> IntOption(string name, string description, int defaultValue, int min, int max, params string[] aliases)
    {
        var o = new Option<int>(name, aliases)
        {
            Description = WithRange(description, Fmt(min), Fmt(max)),
            DefaultValueFactory = _ => defaultValue,
        };
        o.CustomParser = r => r.Tokens.Count == 0 ? defaultValue : ParseIntToken(r, name, min, max);
        return o;
    }

    /// <summary>As <see cref="IntOption"/> for an option with no default (null when absent).</summary>
    public static Option<int?> OptionalIntOption(string name, string description, int min, int max, params string[] aliases)
    {
        var o = new Option<int?>(name, aliases) { Description = WithRange(description, Fmt(min), Fmt(max)) };
        o.CustomParser = r => r.Tokens.Count == 0 ? null : ParseIntToken(r, name, min, max);
        return o;
    }

    /// <summary>Unsigned 64-bit option (random seeds), full range, parsed invariantly and strictly.</summary>
    public static Option<ulong> UInt64Option(string name, string description, ulong defaultValue, params string[] aliases)
    {
        var o = new Option<ulong>(name, aliases)
        {
            Description = WithRange(description, "0", "2^64-1"),
            DefaultValueFactory = _ => defaultValue,
        };
        o.CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return defaultValue;
            string t = r.Tokens[^1].Value;
            if (IsPlainInteger(t, allowSign: false) && ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)) return v;
            r.AddError(IsPlainInteger(t, allowSign: true)
                ? $"{name} must be between 0 and {Fmt(ulong.MaxValue)}, got {t}"
                : $"{name}: '{t}' is not a whole number (digits only, e.g. 7)");
            return defaultValue;
        };
        return o;
    }

    /// <summary>Finite real option in [<paramref name="min"/>, <paramref name="max"/>], parsed invariantly: '.' is the
    /// decimal point, an exponent is allowed, a comma, a space, "Infinity" and "NaN" are not.</summary>
    public static Option<double> DoubleOption(string name, string description, double defaultValue, double min, double max,
        params string[] aliases)
    {
        var o = new Option<double>(name, aliases)
        {
            Description = WithRange(description, Fmt(min), Fmt(max)),
            DefaultValueFactory = _ => defaultValue,
        };
        o.CustomParser = r =>
        {
            if (r.Tokens.Count == 0) return defaultValue;
            string t = r.Tokens[^1].Value;
            if (!TryParseStrictDouble(t, out double v))
            {
                r.AddError($"{name}: '{t}' is not a number (use '.' for the decimal point, e.g. 0.5)");
                return defaultValue;
            }
            if (v < min || v > max)
            {
                r.AddError($"{name} must be between {Fmt(min)} and {Fmt(max)}, got {t}");
                return defaultValue;
            }
            return v;
        };
        return o;
    }

    /// <summary>Strict invariant parse of a finite double: [-]digits[.digits][e[±]digits] (or .digits).</summary>
    public static bool TryParseStrictDouble(string text, out double value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 64) return false;
        foreach (char c in text)
            if (!(char.IsAsciiDigit(c) || c is '.' or '-' or '+' or 'e' or 'E')) return false;
        if (!char.IsAsciiDigit(text[^1]) && text[^1] != '.') return false;
        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                   CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static int ParseIntToken(ArgumentResult r, string name, int min, int max)
    {
        string t = r.Tokens[^1].Value;
        if (!IsPlainInteger(t, allowSign: true))
        {
            r.AddError($"{name}: '{t}' is not a whole number (digits only, e.g. 7)");
            return min;
        }
        // Out-of-range includes values beyond int: compare as a big number, never wrap.
        bool inRange = long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max;
        if (!inRange)
        {
            r.AddError($"{name} must be between {Fmt(min)} and {Fmt(max)}, got {t}");
            return min;
        }
        return (int)v;
    }

    private static bool IsPlainInteger(string t, bool allowSign)
    {
        int start = allowSign && t.Length > 1 && t[0] == '-' ? 1 : 0;
        if (t.Length == start || t.Length - start > 30) return false;
        for (int i = start; i < t.Length; i++) if (!char.IsAsciiDigit(t[i])) return false;
        return true;
    }

    private static string WithRange(string description, string min, string max) =>
        $"{description.TrimEnd()} Range {min}..{max}.";

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string Fmt(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Fmt(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
