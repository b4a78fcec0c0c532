namespace DeepTrain.Training;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small generator whose sequence is fixed by this code, not by the .NET
/// version, so data sets, initial weights and shuffles are reproducible everywhere.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spare;
    private bool _hasSpare;

    public Rng(ulong seed, ulong stream = 0)
    {
        ulong x = seed * 0x9E3779B97F4A7C15UL ^ (stream + 0x632BE59BD9B4E019UL) * 0xD1B54A32D192ED03UL;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 33) * (ulong)n >> 31);

    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Standard normal (Box–Muller, polar form).</summary>
    public double NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        double u, v, s;
        do { u = 2 * NextDouble() - 1; v = 2 * NextDouble() - 1; s = u * u + v * v; } while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * f; _hasSpare = true;
        return u * f;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
