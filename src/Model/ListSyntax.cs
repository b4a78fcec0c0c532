using System.Globalization;

namespace DeepTrain.Model;

/// <summary>
/// The one list rule of the command line: items separated by <c>+</c> (no shell treats it specially, so
/// <c>seeds=0+1+2</c> needs no quotes), and <c>A..B</c> for the integers A to B inclusive (<c>seeds=0..2</c>).
/// Where the surrounding text does not use commas itself (<c>sites:3,17,40</c>) a comma separates too; the old
/// <c>|</c> still works when quoted (<c>'seeds=0|1|2'</c>).
/// </summary>
public static class ListSyntax
{
    /// <summary>Most items one list may expand to (a range like 0..2000000000 is an error, not an allocation).</summary>
    public const int MaxItems = 1 << 20;

    /// <summary>Parses a list of non-negative integers; <paramref name="what"/> names the option or field in errors.</summary>
    public static List<long> NonNegativeIntegers(string text, string what, bool allowComma = false, long max = long.MaxValue)
    {
        var separators = allowComma ? new[] { '+', '|', ',' } : new[] { '+', '|' };
        var items = new List<long>();
        foreach (var raw in (text ?? "").Split(separators, StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0) throw new UserError($"{what}: empty item in list '{text}' (separate items with '+', e.g. 0+1+2)");
            int dots = raw.IndexOf("..", StringComparison.Ordinal);
            if (dots >= 0)
            {
                long a = One(raw[..dots], what, raw, max), b = One(raw[(dots + 2)..], what, raw, max);
                if (b < a) throw new UserError($"{what}: range '{raw}' is empty (write A..B with A ≤ B)");
                if (b - a + 1 > MaxItems - items.Count) throw new UserError($"{what}: range '{raw}' has more than {MaxItems} items");
                for (long v = a; v <= b; v++) items.Add(v);
            }
            else
            {
                if (items.Count >= MaxItems) throw new UserError($"{what}: more than {MaxItems} items");
                items.Add(One(raw, what, raw, max));
            }
        }
        return items;
    }

    private static long One(string t, string what, string item, long max)
    {
        t = t.Trim();
        if (t.Length == 0 || t.Length > 19 || !t.All(char.IsAsciiDigit)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            throw new UserError($"{what}: '{item}' is not a non-negative whole number or a range A..B");
        if (v > max) throw new UserError($"{what}: {v} is above the largest allowed, {max}");
        return v;
    }
}
