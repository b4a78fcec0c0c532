using System.Text;

namespace DeepTrain.Launcher.Output;

/// <summary>
/// Aligned plain-text table for terminals and logs. Numeric-looking cells ("1.23 ms", "-4", "n/a", "∞") are
/// right-aligned, per column. Every line fits <see cref="MaxWidth"/> characters: text columns shrink first (cut with
/// "…"), numbers are never cut; if the numbers alone are too wide, the columns are printed in blocks, each
/// repeating the first (key) column.
/// </summary>
public sealed class TextTable
{
    public const int MaxWidth = 100;
    private const int MinTextWidth = 6;
    private const string Gap = "  ";
    private readonly string[] _headers;
    private readonly List<string[]> _rows = new();

    public TextTable(params string[] headers) { _headers = headers; }

    public TextTable Add(params object?[] cells)
    {
        if (cells.Length != _headers.Length) throw new ArgumentException($"row has {cells.Length} cells, table has {_headers.Length} columns");
        _rows.Add(cells.Select(c => Clean(c?.ToString() ?? "")).ToArray());
        return this;
    }

    public int RowCount => _rows.Count;
    public IReadOnlyList<string> Headers => _headers;

    public override string ToString()
    {
        int n = _headers.Length;
        var width = new int[n];
        var right = new bool[n];
        for (int c = 0; c < n; c++)
        {
            width[c] = _headers[c].Length;
            foreach (var r in _rows) width[c] = Math.Max(width[c], r[c].Length);
            right[c] = _rows.Count > 0 && _rows.All(r => r[c].Length == 0 || LooksNumeric(r[c]));
        }
        int total(IEnumerable<int> cols) => cols.Sum(c => width[c]) + Gap.Length * (cols.Count() - 1);
        var all = Enumerable.Range(0, n).ToArray();
        int narrowest = all.Sum(c => right[c] ? width[c] : Math.Min(width[c], MinTextWidth)) + Gap.Length * (n - 1);
        if (narrowest > MaxWidth)
        {
            // Blocks are needed anyway: keep the key column readable and let each text column fit one block.
            if (!right[0]) width[0] = Math.Min(width[0], 40);
            for (int c = 1; c < n; c++)
                if (!right[c]) width[c] = Math.Min(width[c], Math.Max(MinTextWidth, MaxWidth - width[0] - Gap.Length));
        }
        // Otherwise shrink the widest text column until the table fits.
        while (narrowest <= MaxWidth && total(all) > MaxWidth)
        {
            int widest = -1;
            for (int c = 0; c < n; c++)
                if (!right[c] && width[c] > MinTextWidth && (widest < 0 || width[c] > width[widest])) widest = c;
            if (widest < 0) break;
            width[widest]--;
        }
        var sb = new StringBuilder();
        foreach (var block in Blocks(width))
        {
            if (sb.Length > 0) sb.Append('\n');
            Render(sb, block, width, right);
        }
        return sb.ToString();
    }

    /// <summary>Column groups that each fit; every group after the first starts with column 0.</summary>
    private static List<int[]> Blocks(int[] width)
    {
        var blocks = new List<int[]>();
        var cur = new List<int> { 0 };
        int used = width[0];
        for (int c = 1; c < width.Length; c++)
        {
            if (used + Gap.Length + width[c] > MaxWidth && cur.Count > 1)
            {
                blocks.Add(cur.ToArray());
                cur = [0];
                used = width[0];
            }
            cur.Add(c);
            used += Gap.Length + width[c];
        }
        blocks.Add(cur.ToArray());
        return blocks;
    }

    private void Render(StringBuilder sb, int[] cols, int[] width, bool[] right)
    {
        void line(string[] cells)
        {
            var parts = new string[cols.Length];
            for (int i = 0; i < cols.Length; i++)
            {
                int c = cols[i], w = Math.Min(width[c], MaxWidth);
                string s = cells[c].Length > w ? cells[c][..(w - 1)] + "…" : cells[c];
                parts[i] = right[c] ? s.PadLeft(w) : s.PadRight(w);
            }
            sb.Append(string.Join(Gap, parts).TrimEnd()).Append('\n');
        }
        line(_headers);
        sb.Append(string.Join(Gap, cols.Select(c => new string('-', Math.Min(width[c], MaxWidth))))).Append('\n');
        foreach (var r in _rows) line(r);
    }

    // Line breaks and tabs would break the alignment.
    private static string Clean(string s) => s.ReplaceLineEndings(" ").Replace('\t', ' ');

    private static bool LooksNumeric(string s)
    {
        char c = s[0];
        return char.IsDigit(c) || ((c == '-' || c == '+' || c == '.') && s.Length > 1 && (char.IsDigit(s[1]) || s[1] == '∞'))
               || s is "n/a" or "∞" or "—";
    }
}
