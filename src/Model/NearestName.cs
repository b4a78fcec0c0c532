namespace DeepTrain.Model;

/// <summary>"Did you mean …?" for a misspelt command, option or field: the known name nearest to what was typed, by
/// edit distance, if it is close enough to be the intended one.</summary>
public static class NearestName
{
    /// <summary>The nearest of <paramref name="known"/> to <paramref name="typed"/> (case-insensitive), or null when
    /// none is within about a third of the typed length (at most 3 edits).</summary>
    public static string? Find(string typed, IEnumerable<string> known)
    {
        string? best = null; int bestDistance = int.MaxValue;
        foreach (var n in known)
        {
            int d = EditDistance(typed, n);
            if (d < bestDistance) { best = n; bestDistance = d; }
        }
        int allowed = Math.Max(1, Math.Min(3, typed.TrimStart('-').Length / 3));
        return best is not null && bestDistance > 0 && bestDistance <= allowed ? best : null;
    }

    /// <summary>" (did you mean X?)" or "".</summary>
    public static string Hint(string typed, IEnumerable<string> known) =>
        Find(typed, known) is { } n ? $" (did you mean {n}?)" : "";

    /// <summary>Damerau–Levenshtein distance, optimal string alignment (insert, delete, substitute, swap neighbours),
    /// ignoring case.</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 2])
                    && char.ToLowerInvariant(a[i - 2]) == char.ToLowerInvariant(b[j - 1]))
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        return d[a.Length, b.Length];
    }
}
