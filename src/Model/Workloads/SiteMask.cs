using System.Numerics;
using System.Text;

namespace DeepTrain.Model.Workloads;

/// <summary>
/// Immutable bit set over a network's normalization sites (1 = normalization active). Bit i is site i.
/// Bits are packed little-endian into 64-bit words: site i is bit (i % 64) of word (i / 64).
/// The text form is a 0/1 string in site order ("0101…", site 0 first).
/// </summary>
public sealed class SiteMask : IEquatable<SiteMask>
{
    private readonly ulong[] _words;

    private SiteMask(int length, ulong[] words) { Length = length; _words = words; }

    /// <summary>Number of sites.</summary>
    public int Length { get; }

    /// <summary>Packed words (read-only view). Unused high bits of the last word are zero.</summary>
    public ReadOnlySpan<ulong> Words => _words;

    public static int WordsFor(int length) => (length + 63) >> 6;

    public static SiteMask None(int length) => new(length, new ulong[WordsFor(length)]);

    public static SiteMask All(int length)
    {
        var w = new ulong[WordsFor(length)];
        for (int i = 0; i < length; i++) w[i >> 6] |= 1UL << (i & 63);
        return new(length, w);
    }

    public static SiteMask FromWords(int length, ReadOnlySpan<ulong> words)
    {
        if (words.Length != WordsFor(length))
            throw new ArgumentException($"expected {WordsFor(length)} words for {length} sites, got {words.Length}");
        var w = words.ToArray();
        int tail = length & 63;
        if (tail != 0 && w.Length > 0) w[^1] &= (1UL << tail) - 1;
        return new(length, w);
    }

    public static SiteMask FromIndices(int length, IEnumerable<int> active)
    {
        var w = new ulong[WordsFor(length)];
        foreach (var i in active)
        {
            if ((uint)i >= (uint)length) throw new UserError($"site index {i} is out of range 0..{length - 1}");
            w[i >> 6] |= 1UL << (i & 63);
        }
        return new(length, w);
    }

    /// <summary>Parses a 0/1 string of exactly <paramref name="length"/> characters.</summary>
    public static SiteMask Parse(string bits, int length)
    {
        if (bits.Length != length)
            throw new UserError($"mask '{Abbrev(bits)}' has {bits.Length} digits but the network has {length} normalization sites");
        var w = new ulong[WordsFor(length)];
        for (int i = 0; i < bits.Length; i++)
        {
            char c = bits[i];
            if (c == '1') w[i >> 6] |= 1UL << (i & 63);
            else if (c != '0') throw new UserError($"mask '{Abbrev(bits)}' has '{c}' at position {i}; only 0 and 1 are allowed");
        }
        return new(length, w);
    }

    private static string Abbrev(string s) => s.Length <= 40 ? s : s[..37] + "...";

    public bool this[int site]
    {
        get
        {
            if ((uint)site >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(site));
            return (_words[site >> 6] >> (site & 63) & 1UL) != 0;
        }
    }

    /// <summary>Number of active sites.</summary>
    public int Count
    {
        get { int c = 0; foreach (var w in _words) c += BitOperations.PopCount(w); return c; }
    }

    public SiteMask With(int site, bool active)
    {
        if ((uint)site >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(site));
        var w = (ulong[])_words.Clone();
        if (active) w[site >> 6] |= 1UL << (site & 63); else w[site >> 6] &= ~(1UL << (site & 63));
        return new(Length, w);
    }

    public IEnumerable<int> ActiveSites()
    {
        for (int i = 0; i < Length; i++) if (this[i]) yield return i;
    }

    /// <summary>Hamming distance to another mask of the same length.</summary>
    public int Distance(SiteMask other)
    {
        if (other.Length != Length) throw new ArgumentException("mask lengths differ");
        int d = 0;
        for (int i = 0; i < _words.Length; i++) d += BitOperations.PopCount(_words[i] ^ other._words[i]);
        return d;
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Length);
        for (int i = 0; i < Length; i++) sb.Append(this[i] ? '1' : '0');
        return sb.ToString();
    }

    public bool Equals(SiteMask? other) =>
        other is not null && other.Length == Length && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as SiteMask);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Length);
        foreach (var w in _words) h.Add(w);
        return h.ToHashCode();
    }
}
