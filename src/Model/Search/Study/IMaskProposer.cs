using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Study;

/// <summary>
/// A search method (Optuna's "sampler"): given the study state, propose up to q new masks for the oracle. Must be
/// deterministic in (state, q, round) — all randomness from <see cref="StudyConfig.Seed"/> and the round — so a
/// resumed study proposes exactly what the uninterrupted one did, and must never return an observed mask or the
/// same mask twice. Returning fewer than q (or none) means the method has nothing left worth asking.
/// </summary>
public interface IMaskProposer
{
    string Name { get; }
    IReadOnlyList<SiteMask> Propose(StudyState state, int q, int round, CancellationToken cancellationToken = default);
}

/// <summary>Fast deterministic generator (splitmix64) for candidate generation; a struct, no allocation.</summary>
public struct SplitMix64(ulong seed)
{
    private ulong _s = seed;
    public ulong Next() { _s += 0x9E3779B97F4A7C15UL; return MaskHash.Mix(_s); }
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
    public int Next(int n) => (int)((Next() >> 33) % (ulong)n);
}
