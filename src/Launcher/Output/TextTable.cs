using System.Text;

namespace DeepTrain.Launcher.Output;

/// <summary>
/// Aligned plain-text table for terminals and logs. Numeric-looking cells are right-aligned. Columns shrink
/// (long text cells are cut with "…") so a row fits <see cref="MaxWidth"/> characters.
/// </summary>
public sealed class TextTable
{
    public const int MaxWidth = 100;
    private readonly string[] _headers;
    private readonly List<string[]> _rows = new();

    public TextTable(params string[] headers) { _headers = headers; }

    public TextTable Add(params object?[] cells)
    {
        if (cells.Length != _headers.Length) throw new ArgumentException($"row has {cells.Length} cells, table has {_headers.Length} columns");
        _rows.Add(cells.Select(c => c?.ToString() ?? "").ToArray());
        return this;
    }

    public int RowCount => _rows.Count;

    public override string ToString()
    {
        int n = _headers.Length;
        var width = new int[n];
        for (int c = 0; c < n; c++)
        {
            width[c] = _headers[c].Length;
            foreach (var r in _rows) width[c] = Math.Max(width[c], r[c].Length);
        }
        // Shrink the widest column until the table fits.
        int total() => width.Sum() + 2 * (n - 1);
        while (total() > MaxWidth)
        {
            int widest = Array.IndexOf(width, width.Max());
            if (width[widest] <= 6) break;
            width[widest]--;
        }
        var right = new bool[n];
        for (int c = 0; c < n; c++)
            right[c] = _rows.Count > 0 && _rows.All(r => r[c].Length == 0 || LooksNumeric(r[c]));

        var sb = new StringBuilder();
        void line(string[] cells)
        {
            var parts = new string[n];
            for (int c = 0; c < n; c++)
            {
                string s = cells[c].Length > width[c] ? cells[c][..(width[c] - 1)] + "…" : cells[c];
                parts[c] = right[c] ? s.PadLeft(width[c]) : s.PadRight(width[c]);
            }
            sb.Append(string.Join("  ", parts).TrimEnd()).Append('\n');
        }
        line(_headers);
        sb.Append(string.Join("  ", width.Select(w => new string('-', w)))).Append('\n');
        foreach (var r in _rows) line(r);
        return sb.ToString();
    }

    private static bool LooksNumeric(string s)
    {
        char c = s[0];
        return char.IsDigit(c) || ((c == '-' || c == '+' || c == '.') && s.Length > 1 && char.IsDigit(s[1])) || s == "n/a";
    }
}
