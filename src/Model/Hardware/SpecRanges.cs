namespace DeepTrain.Model.Hardware;

/// <summary>
/// The accepted range of one numeric architecture-spec field, with the physical reason for its bounds.
/// <see cref="ArchSpec.Validate"/> rejects a value outside it with a <see cref="SpecError"/> naming the field.
/// The table is printed in docs/MODEL.md ("Accepted ranges of the architecture spec"); a test keeps the two equal.
/// </summary>
public sealed record SpecRange(string Field, double Min, double Max, string Reason)
{
    public bool Contains(double v) => v >= Min && v <= Max;
}

/// <summary>
/// Ranges of every numeric <see cref="ArchSpec"/> field. Bounds are physically motivated and generous (each is far
/// outside anything built or proposed) so that design-space sweeps are never cut short, yet tight enough that every
/// derived count fits a 64-bit integer and every derived time, energy, power and area stays a finite double.
/// </summary>
public static class SpecRanges
{
    /// <summary>Crossbar arrays on one chip (tiles × IMAs/tile × arrays/IMA). 2^40 ≈ 1.1e12: a 300 mm wafer holds
    /// about 3e9 ISAAC-size arrays (0.0002 mm² each), so this is several hundred wafers on one "chip".</summary>
    public const long MaxCrossbarsPerChip = 1L << 40;

    /// <summary>Chips a network may be spread over. 2^20 ≈ 1e6: more accelerators than the largest machines have.
    /// Beyond it the chip count, the crossbar budget and the replication search would leave the model's integer range.</summary>
    public const int MaxChips = 1 << 20;

    public static readonly SpecRange TechnologyNodeNm = new("technologyNodeNm", 1, 1000, "1 nm to 1 µm CMOS: every node from today's 2 nm back to 1980s processes");
    public static readonly SpecRange ActivationBits = new("activationBits", 1, 64, "1-bit (binary) to 64-bit (FP64) activations");
    public static readonly SpecRange ImageBits = new("imageBits", 1, 64, "1-bit to 64-bit input pixels");
    public static readonly SpecRange Rows = new("crossbar.rows", 1, 65536, "fabricated ReRAM arrays are at most ~1k×1k (IR drop, sneak paths); 64k rows leaves room for exploration");
    public static readonly SpecRange Cols = new("crossbar.cols", 1, 65536, "as crossbar.rows");
    public static readonly SpecRange BitsPerCell = new("crossbar.bitsPerCell", 1, 16, "multi-level cells reach ~11 bits (2048 levels) in the lab; 16 bits = 65,536 levels is beyond any device");
    public static readonly SpecRange WeightBits = new("crossbar.weightBits", 1, 64, "no training scheme stores weights wider than 64 bits (FP64)");
    public static readonly SpecRange InputBits = new("crossbar.inputBits", 1, 64, "no input is wider than 64 bits (FP64)");
    public static readonly SpecRange DacBits = new("crossbar.dacBits", 1, 16, "1-bit (ISAAC) to 16-bit DACs; wider DACs do not exist at crossbar pitch");
    public static readonly SpecRange ReadCycleSeconds = new("crossbar.readCycleSeconds", 1e-12, 1e-3, "1 ps is below any analog array settling time; 1 ms is slower than any memory read");
    public static readonly SpecRange AdcsPerArray = new("crossbar.adcsPerArray", 0, 65536, "0 (no ADCs, PipeLayer) up to one per column (at most crossbar.cols)");
    public static readonly SpecRange AdcBits = new("crossbar.adcBits", 1, 32, "1- to 32-bit converters; the widest ADCs built have ~32 bits");
    public static readonly SpecRange AdcSamplesPerSecond = new("crossbar.adcSamplesPerSecond", 1e3, 1e12, "1 kS/s to 1 TS/s; the fastest ADCs sample at ~100 GS/s");
    public static readonly SpecRange WriteLatencySeconds = new("crossbar.writeLatencySeconds", 1e-12, 1, "1 ps to 1 s per row program step (ReRAM writes take ns to µs)");
    public static readonly SpecRange WriteEnergyJoules = new("crossbar.writeEnergyJoules", 1e-18, 1e-3, "1 aJ to 1 mJ per cell (ReRAM writes take fJ to nJ)");
    public static readonly SpecRange EnduranceCycles = new("crossbar.enduranceCycles", 1, 1e18, "1 to 1e18 writes per cell (ReRAM: 1e6–1e12; SRAM-like 1e16)");
    public static readonly SpecRange ArraysPerIma = new("organization.arraysPerIma", 1, 1 << 24, "product with imasPerTile and tiles is bounded by MaxCrossbarsPerChip");
    public static readonly SpecRange ImasPerTile = new("organization.imasPerTile", 1, 1 << 24, "as organization.arraysPerIma");
    public static readonly SpecRange Tiles = new("organization.tiles", 1, 1 << 24, "as organization.arraysPerIma");
    public static readonly SpecRange NormUnitCount = new("normUnits.count", 0, 1 << 20, "0 (none on chip) to ~1e6 digital units");
    public static readonly SpecRange NormUnitLanes = new("normUnits.lanes", 1, 1 << 20, "lanes per unit; a whole GPU has ~1e4");
    public static readonly SpecRange NormUnitClockHz = new("normUnits.clockHz", 1e3, 1e11, "1 kHz to 100 GHz digital clock");
    public static readonly SpecRange EnergyPerOpJoules = new("normUnits.energyPerOpJoules", 1e-18, 1e-6, "1 aJ to 1 µJ per arithmetic operation (FP32 ops cost ~1 pJ)");
    public static readonly SpecRange BufferBytes = new("normUnits.bufferBytes", 0, 1e12, "0 to 1 TB of buffer per unit");
    public static readonly SpecRange OpsPerElement = new("normUnits.opsPerElementForward", 0.01, 1e4, "BN takes ~8 operations per element; 1e4 allows any normalization variant");
    public static readonly SpecRange OpsPerElementBackward = new("normUnits.opsPerElementBackward", 0.01, 1e4, "as normUnits.opsPerElementForward");
    public static readonly SpecRange NocBandwidth = new("noc.bandwidthBytesPerSecond", 1e3, 1e15, "1 kB/s to 1 PB/s per link");
    public static readonly SpecRange NocEnergyPerBit = new("noc.energyPerBitJoules", 1e-18, 1e-6, "1 aJ to 1 µJ per bit moved (on-chip links: ~0.1–1 pJ)");
    public static readonly SpecRange DramBandwidth = new("dram.bandwidthBytesPerSecond", 1e3, 1e15, "1 kB/s to 1 PB/s (HBM3 stacks give ~1 TB/s)");
    public static readonly SpecRange DramEnergyPerBit = new("dram.energyPerBitJoules", 1e-18, 1e-6, "1 aJ to 1 µJ per bit (DRAM: ~4–20 pJ)");
    public static readonly SpecRange ComponentCount = new("components[].count", 0, 1e9, "units per scope instance (ISAAC: 128 DACs per array at most)");
    public static readonly SpecRange ComponentSharedBy = new("components[].sharedBy", 1, 1e9, "a unit is shared by at least one scope instance");
    public static readonly SpecRange ComponentPowerWatts = new("components[].powerWatts", 0, 1e4, "0 to 10 kW per unit (a whole server rack)");
    public static readonly SpecRange ComponentAreaMm2 = new("components[].areaMm2", 0, 1e5, "0 to 1e5 mm² per unit (a 300 mm wafer is 7e4 mm²)");

    /// <summary>Every range, in documentation order.</summary>
    public static IReadOnlyList<SpecRange> All { get; } =
    [
        TechnologyNodeNm, ActivationBits, ImageBits, Rows, Cols, BitsPerCell, WeightBits, InputBits, DacBits, ReadCycleSeconds,
        AdcsPerArray, AdcBits, AdcSamplesPerSecond, WriteLatencySeconds, WriteEnergyJoules, EnduranceCycles,
        ArraysPerIma, ImasPerTile, Tiles, NormUnitCount, NormUnitLanes, NormUnitClockHz, EnergyPerOpJoules, BufferBytes,
        OpsPerElement, OpsPerElementBackward, NocBandwidth, NocEnergyPerBit, DramBandwidth, DramEnergyPerBit,
        ComponentCount, ComponentSharedBy, ComponentPowerWatts, ComponentAreaMm2,
    ];
}
