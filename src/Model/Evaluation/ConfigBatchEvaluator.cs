using System.Numerics;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Hardware.Estimators;
using DeepTrain.Model.Mapping;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Evaluation;

/// <summary>
/// Configurations as lanes (structure of arrays): every numeric field of an <see cref="ArchSpec"/> that the model
/// reads, and the batch size, one array entry per configuration. Filled once per configuration by <see cref="Add"/>,
/// which validates the spec exactly as <see cref="ArchSpec.Parse"/> does (the same <see cref="SpecError"/>) and the
/// batch exactly as <see cref="Pipeline.TrainingPipeline"/> does (the same <see cref="UserError"/>), and reduces the
/// component table to its per-chip totals (<see cref="ArchTotals"/>: area, peak and static power, energy per
/// array-cycle — a scalar per-configuration step, not per layer). Arrays are padded to a whole number of vectors.
/// </summary>
public sealed class ConfigLanes
{
    private static readonly int V = Vector<double>.Count;

    public ConfigLanes(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
        Capacity = capacity;
        int n = (capacity + V - 1) / V * V;
        Rows = new double[n]; Cols = new double[n]; Slices = new double[n]; InputCycles = new double[n]; MvmSeconds = new double[n];
        CrossbarsPerChip = new double[n]; PeakWattsPerChip = new double[n]; StaticWattsPerChip = new double[n]; AreaMm2PerChip = new double[n];
        EnergyPerArrayCycleJoules = new double[n]; WriteLatencySeconds = new double[n]; WriteEnergyJoules = new double[n];
        EnduranceCycles = new double[n]; NuCount = new double[n]; NuOpsPerSecond = new double[n]; NuEnergyPerOpJoules = new double[n];
        NuBufferBytes = new double[n]; NuOpsPerElement = new double[n]; ActivationBits = new double[n]; ImageBits = new double[n];
        NocBytesPerSecond = new double[n]; NocJoulesPerBit = new double[n]; DramBytesPerSecond = new double[n]; DramJoulesPerBit = new double[n];
        Batch = new double[n];
        _all = All();
    }

    private readonly double[][] _all;

    public int Capacity { get; }
    public int Count { get; private set; }

    public void Clear() => Count = 0;

    /// <summary>Adds one configuration and returns its lane.</summary>
    public int Add(ArchSpec spec, int batch, string origin = "spec")
    {
        if (Count == Capacity) throw new InvalidOperationException($"all {Capacity} lanes are in use");
        spec.Validate(origin);
        if (batch < 1) throw new UserError($"batch size must be at least 1, got {batch}");
        var totals = new ArchTotals(spec);
        int l = Count++;
        var c = spec.Crossbar; var nu = spec.NormUnits;
        Rows[l] = c.Rows; Cols[l] = c.Cols; Slices[l] = spec.WeightSlices; InputCycles[l] = spec.InputCycles; MvmSeconds[l] = spec.MvmSeconds;
        CrossbarsPerChip[l] = spec.CrossbarsPerChip; PeakWattsPerChip[l] = totals.PeakPowerWatts; StaticWattsPerChip[l] = totals.StaticPowerWatts;
        AreaMm2PerChip[l] = totals.AreaMm2; EnergyPerArrayCycleJoules[l] = totals.EnergyPerArrayCycleJoules;
        WriteLatencySeconds[l] = c.WriteLatencySeconds; WriteEnergyJoules[l] = c.WriteEnergyJoules; EnduranceCycles[l] = c.EnduranceCycles;
        NuCount[l] = nu.Count; NuOpsPerSecond[l] = nu.Count == 0 ? 1 : NormUnitEstimator.OpsPerSecond(spec);
        NuEnergyPerOpJoules[l] = nu.EnergyPerOpJoules; NuBufferBytes[l] = nu.Count * nu.BufferBytes;
        NuOpsPerElement[l] = nu.OpsPerElementForward + nu.OpsPerElementBackward;
        ActivationBits[l] = spec.ActivationBits; ImageBits[l] = spec.ImageBits;
        NocBytesPerSecond[l] = spec.Noc.BandwidthBytesPerSecond; NocJoulesPerBit[l] = spec.Noc.EnergyPerBitJoules;
        DramBytesPerSecond[l] = spec.Dram.BandwidthBytesPerSecond; DramJoulesPerBit[l] = spec.Dram.EnergyPerBitJoules;
        Batch[l] = batch;
        return l;
    }

    /// <summary>Copies the last lane into the padding so whole vectors can be read past <see cref="Count"/>.</summary>
    internal void Pad()
    {
        if (Count == 0) return;
        int last = Count - 1;
        foreach (var a in _all) for (int l = Count; l < a.Length; l++) a[l] = a[last];
    }

    private double[][] All() =>
    [
        Rows, Cols, Slices, InputCycles, MvmSeconds, CrossbarsPerChip, PeakWattsPerChip, StaticWattsPerChip, AreaMm2PerChip,
        EnergyPerArrayCycleJoules, WriteLatencySeconds, WriteEnergyJoules, EnduranceCycles, NuCount, NuOpsPerSecond,
        NuEnergyPerOpJoules, NuBufferBytes, NuOpsPerElement, ActivationBits, ImageBits, NocBytesPerSecond, NocJoulesPerBit,
        DramBytesPerSecond, DramJoulesPerBit, Batch,
    ];

    internal readonly double[] Rows, Cols, Slices, InputCycles, MvmSeconds, CrossbarsPerChip, PeakWattsPerChip, StaticWattsPerChip,
        AreaMm2PerChip, EnergyPerArrayCycleJoules, WriteLatencySeconds, WriteEnergyJoules, EnduranceCycles, NuCount, NuOpsPerSecond,
        NuEnergyPerOpJoules, NuBufferBytes, NuOpsPerElement, ActivationBits, ImageBits, NocBytesPerSecond, NocJoulesPerBit,
        DramBytesPerSecond, DramJoulesPerBit, Batch;
}

/// <summary>Per-configuration results of <see cref="ConfigBatchEvaluator.Evaluate"/> (structure of arrays).</summary>
public sealed class ConfigResults(int capacity)
{
    public double[] TimePerBatchSeconds { get; } = new double[capacity];
    public double[] EnergyPerImageJoules { get; } = new double[capacity];
    public double[] AveragePowerWatts { get; } = new double[capacity];
    public double[] AreaMm2 { get; } = new double[capacity];
    public double[] WeightUpdateSeconds { get; } = new double[capacity];
    public double[] LifetimeBatches { get; } = new double[capacity];
    public int[] Chips { get; } = new int[capacity];
    public long[] CrossbarsUsed { get; } = new long[capacity];
    public long[] CrossbarsAvailable { get; } = new long[capacity];
}

/// <summary>
/// Evaluates one network on many configurations at once: lanes = configurations (<see cref="ConfigLanes"/>), one
/// <see cref="Vector{T}"/> of lanes at a time, the network's layers and sites the inner loop. Per layer and lane it
/// does the arithmetic of <see cref="CrossbarMapper"/> (crossbars per copy, integer ceilings done in double, exact for
/// these magnitudes), the stage times of <see cref="Pipeline.TrainingPipeline"/> for the chosen replication, the
/// weight update, array-cycle energy, and per active site <see cref="Pipeline.NormSiteCost"/>; then the mask's time per
/// batch (the <see cref="ModelTables"/> formula), energy per image, power and area. Replication is the exact
/// <see cref="ReplicationAllocator"/> run per lane (scalar: its breakpoint sweep branches per lane, so it is not
/// vectorized), on preallocated stage arrays. No allocation per configuration or per call; not thread-safe (one
/// evaluator per thread). The scalar pipeline stays the definition: tests compare the two on random configurations of
/// every zoo network and preset within 1e-9.
/// </summary>
public sealed class ConfigBatchEvaluator
{
    private static readonly int V = Vector<double>.Count;
    private readonly int _w, _s;
    private readonly double[] _groups, _fanIn, _fanOut, _bwdFanIn, _bwdFanOut, _mf, _mb, _err, _weights;
    private readonly long[] _stageMvms;
    private readonly int[] _siteStart; // sites j in [_siteStart[p], _siteStart[p+1]) follow the first p stages
    private readonly double[] _siteElements;
    private readonly double _inputElements;
    // Per-block workspace.
    private readonly double[] _xf, _xb, _level, _chips, _spare, _spc, _fixed;
    private readonly long[] _cost;
    private readonly double[] _cells;
    private readonly int[] _copies;

    public ConfigBatchEvaluator(Network net)
    {
        Network = net;
        var weighted = new List<Layer>();
        var weightedBefore = new int[net.Layers.Count + 1];
        for (int i = 0, k = 0; i < net.Layers.Count; i++) { if (net.Layers[i].IsWeighted) { k++; weighted.Add(net.Layers[i]); } weightedBefore[i + 1] = k; }
        _w = weighted.Count;
        if (_w == 0) throw new WorkloadError($"network '{net.Name}' has no convolution or linear layer to map");
        _groups = new double[_w]; _fanIn = new double[_w]; _fanOut = new double[_w]; _bwdFanIn = new double[_w]; _bwdFanOut = new double[_w];
        _mf = new double[_w]; _mb = new double[_w]; _err = new double[_w]; _weights = new double[_w];
        _stageMvms = new long[3 * _w];
        for (int i = 0; i < _w; i++)
        {
            var l = weighted[i];
            bool conv = l.Kind == LayerKind.Convolution;
            int g = conv ? l.Groups : 1;
            _groups[i] = g; _fanIn[i] = l.FanIn; _fanOut[i] = l.FanOutPerGroup;
            _bwdFanIn[i] = conv ? (double)l.KernelHeight * l.KernelWidth * l.FanOutPerGroup : l.FanOutPerGroup;
            _bwdFanOut[i] = conv ? l.Input.Channels / g : l.Input.Channels;
            _mf[i] = l.MvmsPerImage;
            long mb = conv ? (long)l.Input.Height * l.Input.Width : 1;
            bool err = false;
            foreach (var src in l.Inputs) if (src >= 0) err = true;
            _err[i] = err ? 1 : 0;
            _mb[i] = err ? mb : 0;
            _weights[i] = (double)l.FanIn * l.Output.Channels;
            _stageMvms[3 * i] = l.MvmsPerImage; _stageMvms[3 * i + 1] = err ? mb : 0; _stageMvms[3 * i + 2] = l.MvmsPerImage;
        }
        _s = net.SiteCount;
        var pos = new int[_s];
        _siteElements = new double[_s];
        for (int j = 0; j < _s; j++)
        {
            var site = net.Sites[j];
            if (site.Index != j) throw new WorkloadError($"site {j} of '{net.Name}' has index {site.Index}; sites must be numbered in order");
            pos[j] = weightedBefore[site.LayerIndex + 1];
            if (j > 0 && pos[j] < pos[j - 1])
                throw new WorkloadError($"sites of '{net.Name}' are not in topological order at site {j}");
            _siteElements[j] = site.ElementsPerImage;
        }
        // Sites grouped by the stage position they follow (0..W), in site order.
        _siteStart = new int[_w + 2];
        foreach (int p in pos) _siteStart[p + 1]++;
        for (int p = 0; p <= _w; p++) _siteStart[p + 1] += _siteStart[p];
        _inputElements = net.InputShape.Elements;
        _xf = new double[_w * V]; _xb = new double[_w * V];
        _level = new double[V]; _chips = new double[V]; _spare = new double[V]; _spc = new double[V]; _fixed = new double[V];
        _cost = new long[3 * _w]; _cells = new double[3 * _w]; _copies = new int[3 * _w];
    }

    public Network Network { get; }

    /// <summary>Evaluates every lane of <paramref name="lanes"/> with one site mask (SiteMask word layout) shared by all
    /// lanes and writes <paramref name="results"/>[0, lanes.Count).</summary>
    public void Evaluate(ConfigLanes lanes, ReadOnlySpan<ulong> mask, ConfigResults results)
    {
        if (mask.Length < SiteMask.WordsFor(_s)) throw new ArgumentException($"mask needs {SiteMask.WordsFor(_s)} words");
        if (results.TimePerBatchSeconds.Length < lanes.Count) throw new ArgumentException("results shorter than the lanes");
        lanes.Pad();
        for (int l0 = 0; l0 < lanes.Count; l0 += V) Block(lanes, l0, mask, results);
    }

    private void Block(ConfigLanes z, int l0, ReadOnlySpan<ulong> mask, ConfigResults res)
    {
        var one = Vector<double>.One;
        var rows = Load(z.Rows, l0); var cols = Load(z.Cols, l0); var slices = Load(z.Slices, l0);
        // Mapping: crossbars per copy, one copy of everything.
        var oneCopy = Vector<double>.Zero;
        for (int i = 0; i < _w; i++)
        {
            var xf = new Vector<double>(_groups[i]) * Vector.Ceiling(new Vector<double>(_fanIn[i]) / rows)
                     * Vector.Ceiling(new Vector<double>(_fanOut[i]) * slices / cols);
            var xb = new Vector<double>(_groups[i]) * Vector.Ceiling(new Vector<double>(_bwdFanIn[i]) / rows)
                     * Vector.Ceiling(new Vector<double>(_bwdFanOut[i]) * slices / cols);
            xf.CopyTo(_xf, i * V); xb.CopyTo(_xb, i * V);
            oneCopy += xf + xf + xb * new Vector<double>(_err[i]);
        }
        var perChip = Load(z.CrossbarsPerChip, l0);
        var chips = Vector.Max(one, Vector.Ceiling(oneCopy / perChip));
        var peak = Load(z.PeakWattsPerChip, l0) * chips;
        var writeE = Load(z.WriteEnergyJoules, l0);
        (chips * perChip - oneCopy).CopyTo(_spare); chips.CopyTo(_chips);
        (writeE / peak).CopyTo(_spc); (rows * Load(z.WriteLatencySeconds, l0)).CopyTo(_fixed);
        // Replication: the exact allocator, per lane, on the preallocated stage arrays.
        int lanes = Math.Min(V, z.Count - l0);
        for (int k = 0; k < V; k++)
        {
            if (k >= lanes) { _level[k] = _level[0]; continue; }
            double sl = z.Slices[l0 + k];
            for (int i = 0; i < _w; i++)
            {
                long xf = (long)_xf[i * V + k];
                _cost[3 * i] = xf; _cost[3 * i + 1] = (long)_xb[i * V + k]; _cost[3 * i + 2] = xf;
                double cells = _weights[i] * sl;
                _cells[3 * i] = cells; _cells[3 * i + 1] = _err[i] * cells; _cells[3 * i + 2] = 0;
            }
            _level[k] = ReplicationAllocator.Allocate(_stageMvms, _cost, _cells, (long)_spare[k], z.MvmSeconds[l0 + k], (int)z.Batch[l0 + k],
                                                      _spc[k], _fixed[k], _copies);
        }
        // Stage times, update cells, crossbars used, array cycles, and the mask's runs.
        var level = new Vector<double>(_level);
        var tau = Load(z.MvmSeconds, l0);
        Vector<double> sum = default, mF = default, mB = default, acc = default, cellsW = default, used = default, cycles = default;
        Vector<double> siteT = default, siteJ = default;
        var batch = Load(z.Batch, l0);
        SiteTerms st = default;
        bool siteSetup = false;
        for (int p = 0; p <= _w; p++)
        {
            for (int j = _siteStart[p]; j < _siteStart[p + 1]; j++) // positions are non-decreasing: site order
            {
                if ((mask[j >> 6] >> (j & 63) & 1UL) == 0) continue;
                acc += mF + mB; mF = default; mB = default;
                if (!siteSetup) { st = new SiteTerms(z, l0, batch); siteSetup = true; }
                st.Add(_siteElements[j], ref siteT, ref siteJ);
            }
            if (p == _w) break;
            int i = p;
            var xf = new Vector<double>(_xf, i * V); var xb = new Vector<double>(_xb, i * V);
            var mfv = new Vector<double>(_mf[i]);
            var rf = Copies(mfv, level);
            var tf = Vector.Ceiling(mfv / rf) * tau;
            var tg = tf; // gradient: same MVMs, same copies
            var err = new Vector<double>(_err[i]);
            Vector<double> tb = tg, rb = one;
            if (_err[i] != 0)
            {
                var mbv = new Vector<double>(_mb[i]);
                rb = Copies(mbv, level);
                tb = Vector.Max(Vector.Ceiling(mbv / rb) * tau, tg);
            }
            sum += tf + tb;
            mF = Vector.Max(mF, tf); mB = Vector.Max(mB, tb);
            double cellsPerCopy = _weights[i];
            cellsW += new Vector<double>(cellsPerCopy) * slices * (rf + err * rb);
            used += rf * xf + err * rb * xb + rf * xf;
            cycles += mfv * xf + err * new Vector<double>(_mb[i]) * xb + mfv * xf;
        }
        acc += Vector.Max(mF, mB);
        var update = Vector.Max(rows * Load(z.WriteLatencySeconds, l0), cellsW * (writeE / peak));
        var time = sum + update + (batch - one) * acc + siteT;
        var compute = cycles * Load(z.InputCycles, l0) * Load(z.EnergyPerArrayCycleJoules, l0);
        var input = new Vector<double>(_inputElements) * Load(z.ImageBits, l0) * Load(z.DramJoulesPerBit, l0);
        var fixedJ = batch * (compute + input) + cellsW * writeE;
        var energy = (fixedJ + siteJ + Load(z.StaticWattsPerChip, l0) * chips * time) / batch;
        var area = Load(z.AreaMm2PerChip, l0) * chips;
        for (int k = 0; k < lanes; k++)
        {
            int l = l0 + k;
            res.TimePerBatchSeconds[l] = time[k];
            res.EnergyPerImageJoules[l] = energy[k];
            res.AveragePowerWatts[l] = energy[k] * batch[k] / time[k];
            res.AreaMm2[l] = area[k];
            res.WeightUpdateSeconds[l] = update[k];
            res.LifetimeBatches[l] = z.EnduranceCycles[l];
            res.Chips[l] = (int)chips[k];
            res.CrossbarsUsed[l] = (long)used[k];
            res.CrossbarsAvailable[l] = (long)(chips[k] * perChip[k]);
        }
    }

    /// <summary>r = the fewest copies reaching the lane's level L: 1 if M ≤ L, else ⌈M/L⌉ (M = 0 → 1).</summary>
    private static Vector<double> Copies(Vector<double> mvms, Vector<double> level) =>
        Vector.Max(Vector<double>.One, Vector.Ceiling(mvms / level));

    private static Vector<double> Load(double[] a, int l0) => new(a, l0);

    /// <summary>Lane values of <see cref="Pipeline.NormSiteCost"/>, loaded once per block.</summary>
    private readonly struct SiteTerms
    {
        private readonly Vector<double> _batch, _bits, _opsPerElement, _opJ, _nuOps, _buffer, _nocBw, _nocJ, _dramBw, _dramJ;
        private readonly Vector<long> _noUnits;

        public SiteTerms(ConfigLanes z, int l0, Vector<double> batch)
        {
            _batch = batch; _bits = Load(z.ActivationBits, l0); _opsPerElement = Load(z.NuOpsPerElement, l0);
            _opJ = Load(z.NuEnergyPerOpJoules, l0); _nuOps = Load(z.NuOpsPerSecond, l0); _buffer = Load(z.NuBufferBytes, l0);
            _nocBw = Load(z.NocBytesPerSecond, l0); _nocJ = Load(z.NocJoulesPerBit, l0);
            _dramBw = Load(z.DramBytesPerSecond, l0); _dramJ = Load(z.DramJoulesPerBit, l0);
            _noUnits = Vector.Equals(Load(z.NuCount, l0), Vector<double>.Zero);
        }

        public void Add(double elementsPerImage, ref Vector<double> seconds, ref Vector<double> joules)
        {
            var e = _batch * new Vector<double>(elementsPerImage);
            var ops = e * _opsPerElement;
            var opJ = ops * _opJ;
            var moved = new Vector<double>(4) * e * _bits;
            var eight = new Vector<double>(8);
            // Without units: the values go over the DRAM/IO link (NormSiteCost's count = 0 branch).
            var hostT = moved / eight / _dramBw;
            var hostJ = opJ + moved * _dramJ;
            var held = e * _bits / eight;
            var spill = Vector.Max(Vector<double>.Zero, held - _buffer);
            var spillTraffic = new Vector<double>(6) * spill;
            var nuT = ops / _nuOps + moved / eight / _nocBw + spillTraffic / _dramBw;
            var nuJ = opJ + moved * _nocJ + spillTraffic * eight * _dramJ;
            seconds += Vector.ConditionalSelect(_noUnits, hostT, nuT);
            joules += Vector.ConditionalSelect(_noUnits, hostJ, nuJ);
        }
    }
}
