using System.Buffers;
using System.Runtime.CompilerServices;

namespace DeepTrain.Model.Mapping;

/// <summary>
/// Replication (PipeLayer's G) under the crossbar budget, mask-independent, by a parametric search over the maximum
/// stage time. Each weighted layer w has three stages u (forward W, backward-error Wᵀ, weight gradient) with M_u MVMs
/// per image, X_u crossbars per copy and c_u cells rewritten per copy at each update (c = CellsPerCopy for the forward
/// and transposed copies, 0 for the gradient accumulators). With r_u copies a stage takes ℓ_u·τ per image,
/// ℓ_u = ⌈M_u / r_u⌉ (integer "levels", τ = t_mvm). The documented objective is the barrier-free batch time
/// <code>
/// J(r) = τ·Σ_w (ℓ_f + max(ℓ_e, ℓ_g)) + (B−1)·τ·max_u ℓ_u + max(T_fixed, spc·Σ_u c_u·r_u),   Σ_u (r_u − 1)·X_u ≤ spare.
/// </code>
/// <para><b>What is minimized exactly.</b> For a level L let r(L) be the fewest copies that bring every stage to at
/// most L: r_u(L) = ⌈M_u / L⌉ (1 for L ≥ M_u). The allocator returns argmin J over the family
/// F = { r(L) : r(L) fits the budget } — every allocation that replicates a stage only as far as the slowest stage
/// requires (the PipeLayer balancing rule). Proof that the search finds it: r(L) is constant between consecutive
/// "breakpoints" (levels at which some ⌈M_u / r⌉ changes), so F is enumerated by lowering L from max M_u one
/// breakpoint at a time: at the current member with achieved maximum K, the next member is r(K − 1), which raises
/// exactly the stages at level K (a max-heap of levels) to ⌈M_u/(K−1)⌉. Crossbars used, Σc·r and hence T_update are
/// non-decreasing as L falls, so (i) once r(L) exceeds the budget every smaller L does too (feasibility is monotone:
/// the search stops), and (ii) every later member, with maximum K' &lt; K, has J ≥ τ·n₁ + (B−1)·τ·K' + max(T_update(now),
/// spc·Σ c_u·M_u / K') (n₁ counts the stages that take at least one level; ⌈M/K'⌉ ≥ M/K'), so the search also stops
/// once the minimum of that convex bound over K' reaches the best J found (<see cref="RestBound"/>); neither cut
/// skips a member that could be better. Ties keep the larger L (fewer crossbars).</para>
/// <para><b>The old greedy is in F and so never better.</b> The greedy raised, at each step, every stage tied at the
/// current maximum K to the fewest copies that go below K. Each raised stage was raised from a level above the final
/// maximum K* to the next achievable level, so it ends with the fewest copies reaching ≤ K*; unraised stages have one
/// copy and level ≤ K*. Hence its allocation is r(K*) ∈ F and J(result) ≤ J(greedy) (tested on every zoo network ×
/// preset × batch in {1, 8, 64, 256}).</para>
/// <para><b>Gap to the unrestricted optimum.</b> An optimum r* over all budget-feasible allocations may give a stage
/// more copies than its maximum needs, trading crossbars and rewrites for a shorter Σt. With K* = max ℓ(r*): r* ≥
/// r(K*) componentwise, so T_update(r*) ≥ T_update(r(K*)), and r*_u ≤ r_u(K*) + ⌊(spare − used(r(K*))) / X_u⌋ (the
/// others hold at least r(K*)); hence J(r*) ≥ LB(K*) = τ·Σ ℓ(those caps) + (B−1)·τ·K* + T_update(r(K*)), and
/// J(r*) ≥ min over F of LB. <see cref="LowerBound"/> computes that certificate; docs/MODEL.md §3 reports the largest
/// gap J(result)/LB − 1 over the zoo. Only the Σt term can differ, so the gap is at most Σt(result) / J(result).</para>
/// Allocation-free apart from the returned list (<see cref="Allocate(ReadOnlySpan{long},ReadOnlySpan{long},ReadOnlySpan{double},long,double,int,double,double,Span{int})"/>
/// is the span core); deterministic.
/// </summary>
public static class ReplicationAllocator
{
    /// <param name="secondsPerCellWrite">Update time per rewritten cell when programming is power-bound.</param>
    /// <param name="fixedUpdateSeconds">Update time when latency-bound (rows × write latency).</param>
    public static List<LayerMapping> Balance(IReadOnlyList<LayerMapping> layers, long spareCrossbars, double mvmSeconds,
                                             int batch, double secondsPerCellWrite, double fixedUpdateSeconds)
    {
        int n = layers.Count, u = 3 * n;
        var pool = ArrayPool<long>.Shared;
        long[] mvms = pool.Rent(u), cost = pool.Rent(u);
        double[] cells = ArrayPool<double>.Shared.Rent(u);
        int[] r = ArrayPool<int>.Shared.Rent(u);
        try
        {
            Stages(layers, mvms, cost, cells);
            Allocate(mvms.AsSpan(0, u), cost.AsSpan(0, u), cells.AsSpan(0, u), spareCrossbars, mvmSeconds, batch,
                     secondsPerCellWrite, fixedUpdateSeconds, r.AsSpan(0, u));
            var result = new List<LayerMapping>(n);
            for (int i = 0; i < n; i++)
                result.Add(layers[i] with { ReplicationForward = r[3 * i], ReplicationBackward = r[3 * i + 1], ReplicationGradient = r[3 * i + 2] });
            return result;
        }
        finally
        {
            pool.Return(mvms); pool.Return(cost); ArrayPool<double>.Shared.Return(cells); ArrayPool<int>.Shared.Return(r);
        }
    }

    /// <summary>Stage arrays (3 per layer: forward, backward-error, gradient) in the layout the span core expects.
    /// A layer without a backward-error pass has M = 0 there (it takes no time and is never replicated).</summary>
    internal static void Stages(IReadOnlyList<LayerMapping> layers, Span<long> mvms, Span<long> cost, Span<double> cells)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            var m = layers[i];
            mvms[3 * i] = m.MvmsForward; cost[3 * i] = m.CrossbarsForward; cells[3 * i] = m.CellsPerCopy;
            mvms[3 * i + 1] = m.NeedsBackwardError ? m.MvmsBackward : 0; cost[3 * i + 1] = m.CrossbarsBackward;
            cells[3 * i + 1] = m.NeedsBackwardError ? m.CellsPerCopy : 0;
            mvms[3 * i + 2] = m.MvmsGradient; cost[3 * i + 2] = m.CrossbarsGradient; cells[3 * i + 2] = 0; // accumulators, not weights
        }
    }

    /// <summary>Copies of stage u at level L: the fewest that bring ⌈M/r⌉ to at most L.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int CopiesAt(long mvms, long level) => mvms <= level ? 1 : (int)((mvms + level - 1) / level);

    /// <summary>
    /// The span core: writes the copies of each stage into <paramref name="copies"/> and returns the level L of the
    /// chosen family member (copies = <see cref="CopiesAt"/>(M_u, L)). Stages are 3 per layer as in
    /// <see cref="Stages"/>; the layer's backward stage time is the max of its stages 1 and 2. No allocation (stack arrays up to
    /// 512 stages, pooled arrays beyond).
    /// </summary>
    public static long Allocate(ReadOnlySpan<long> mvms, ReadOnlySpan<long> crossbarsPerCopy, ReadOnlySpan<double> cellsPerCopy,
                                long spareCrossbars, double mvmSeconds, int batch, double secondsPerCellWrite,
                                double fixedUpdateSeconds, Span<int> copies)
    {
        int u = mvms.Length;
        int[]? rented = u > 512 ? ArrayPool<int>.Shared.Rent(u) : null;
        long[]? rentedLevels = u > 512 ? ArrayPool<long>.Shared.Rent(u) : null;
        Span<int> heap = rented ?? stackalloc int[u];
        Span<long> level = rentedLevels ?? stackalloc long[u];
        try
        {
            long best = Sweep(mvms, crossbarsPerCopy, cellsPerCopy, spareCrossbars, mvmSeconds, batch, secondsPerCellWrite,
                              fixedUpdateSeconds, heap, level, out _, certify: false);
            for (int i = 0; i < u; i++) copies[i] = mvms[i] == 0 ? 1 : CopiesAt(mvms[i], best);
            return best;
        }
        finally
        {
            if (rented != null) ArrayPool<int>.Shared.Return(rented);
            if (rentedLevels != null) ArrayPool<long>.Shared.Return(rentedLevels);
        }
    }

    /// <summary>
    /// The certificate of the class comment: a lower bound on J over every budget-feasible allocation (not only the
    /// family). Enumerates the whole feasible family (no pruning), so it is for tests and documentation, not hot paths.
    /// </summary>
    internal static double LowerBound(ReadOnlySpan<long> mvms, ReadOnlySpan<long> crossbarsPerCopy, ReadOnlySpan<double> cellsPerCopy,
                                      long spareCrossbars, double mvmSeconds, int batch, double secondsPerCellWrite,
                                      double fixedUpdateSeconds)
    {
        int u = mvms.Length;
        Sweep(mvms, crossbarsPerCopy, cellsPerCopy, spareCrossbars, mvmSeconds, batch, secondsPerCellWrite, fixedUpdateSeconds,
              new int[u], new long[u], out double lb, certify: true);
        return lb;
    }

    /// <summary>The objective J of given copies (the definition, for tests).</summary>
    internal static double Objective(ReadOnlySpan<long> mvms, ReadOnlySpan<double> cellsPerCopy, ReadOnlySpan<int> copies,
                                     double mvmSeconds, int batch, double secondsPerCellWrite, double fixedUpdateSeconds)
    {
        long sum = 0, max = 0; double cells = 0;
        for (int w = 0; w < mvms.Length / 3; w++)
        {
            long f = Level(mvms[3 * w], copies[3 * w]), e = Level(mvms[3 * w + 1], copies[3 * w + 1]), g = Level(mvms[3 * w + 2], copies[3 * w + 2]);
            sum += f + Math.Max(e, g);
            max = Math.Max(max, Math.Max(f, Math.Max(e, g)));
        }
        for (int i = 0; i < mvms.Length; i++) cells += cellsPerCopy[i] * copies[i];
        return mvmSeconds * (sum + (batch - 1) * (double)max) + Math.Max(fixedUpdateSeconds, cells * secondsPerCellWrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Level(long mvms, int copies) => mvms == 0 ? 0 : (mvms + copies - 1) / copies;

    private static long Sweep(ReadOnlySpan<long> mvms, ReadOnlySpan<long> x, ReadOnlySpan<double> c, long spare, double tau,
                              int batch, double spc, double fixedUpdate, Span<int> heap, Span<long> level, out double lowerBound,
                              bool certify)
    {
        int u = mvms.Length, n = 0;
        long sum = 0, used = 0, floor = 0, top = 0;
        double cells = 0;
        for (int i = 0; i < u; i++)
        {
            level[i] = mvms[i];
            cells += c[i];
            if (mvms[i] > 0) heap[n++] = i;
            top = Math.Max(top, mvms[i]);
        }
        for (int w = 0; w < u / 3; w++)
        {
            long b = Math.Max(mvms[3 * w + 1], mvms[3 * w + 2]);
            sum += mvms[3 * w] + b;
            floor += (mvms[3 * w] > 0 ? 1 : 0) + (b > 0 ? 1 : 0);
        }
        for (int k = n / 2 - 1; k >= 0; k--) SiftDown(heap, n, k, level);
        double bm1 = batch - 1;
        double cellMvms = 0; // C = Σ c_u·M_u: every member with maximum K' rewrites at least C / K' cells
        for (int i = 0; i < u; i++) cellMvms += c[i] * mvms[i];
        double relaxed = certify ? RelaxedStageSum(mvms, x, spare) : 0;
        long bestLevel = Math.Max(top, 1);
        double best = tau * (sum + bm1 * top) + Math.Max(fixedUpdate, cells * spc);
        lowerBound = certify ? Bound(mvms, x, level, spare - used, tau, bm1 * top, Math.Max(fixedUpdate, cells * spc), relaxed) : 0;
        while (n > 0)
        {
            long k = level[heap[0]];
            if (k <= 1) break;
            long target = k - 1;
            while (level[heap[0]] == k)
            {
                int i = heap[0];
                int w = i / 3;
                long before = level[3 * w] + Math.Max(level[3 * w + 1], level[3 * w + 2]);
                int rOld = CopiesAt(mvms[i], k), rNew = CopiesAt(mvms[i], target);
                used += (long)(rNew - rOld) * x[i];
                cells += (rNew - rOld) * c[i];
                level[i] = (mvms[i] + rNew - 1) / rNew;
                sum += level[3 * w] + Math.Max(level[3 * w + 1], level[3 * w + 2]) - before;
                SiftDown(heap, n, 0, level);
            }
            if (used > spare) break;
            long max = level[heap[0]];
            double update = Math.Max(fixedUpdate, cells * spc);
            double j = tau * (sum + bm1 * max) + update;
            if (j < best) { best = j; bestLevel = target; }
            if (certify) lowerBound = Math.Min(lowerBound, Bound(mvms, x, level, spare - used, tau, bm1 * max, update, relaxed));
            else if (tau * floor + RestBound(tau * bm1, spc * cellMvms, update, max - 1) >= best) break;
        }
        return bestLevel;
    }

    /// <summary>
    /// min over real K' in [1, kMax] of f(K') = a·K' + max(U, w/K'): a lower bound on (B−1)·τ·K' + T_update for every
    /// later member (maximum K' ≤ kMax, T_update ≥ the current U and ≥ spc·C/K'). f is convex (a maximum of convex
    /// functions), so its minimum on the interval is at an end, at the kink w/K' = U, or at the stationary point
    /// √(w/a) of the a·K' + w/K' piece; each candidate is clamped into the interval and the least value taken.
    /// </summary>
    private static double RestBound(double a, double w, double update, long kMax)
    {
        if (kMax < 1) return double.PositiveInfinity; // no later member
        double hi = kMax;
        double F(double k) { k = Math.Clamp(k, 1, hi); return a * k + Math.Max(update, w / k); }
        double best = Math.Min(F(1), F(hi));
        if (update > 0) best = Math.Min(best, F(w / update));
        if (a > 0) best = Math.Min(best, F(Math.Sqrt(w / a)));
        return best;
    }

    /// <summary>LB(K) of the class comment for the current member (achieved maximum K, (B−1)·K given): every stage
    /// at the most copies it could have while the others keep theirs.</summary>
    private static double Bound(ReadOnlySpan<long> mvms, ReadOnlySpan<long> x, ReadOnlySpan<long> level, long free, double tau,
                                double maxTerm, double update, double relaxed)
    {
        long s = 0;
        for (int w = 0; w < mvms.Length / 3; w++)
        {
            long f = Capped(mvms, x, level, 3 * w, free), e = Capped(mvms, x, level, 3 * w + 1, free), g = Capped(mvms, x, level, 3 * w + 2, free);
            s += f + Math.Max(e, g);
        }
        return tau * (Math.Max(s, relaxed) + maxTerm) + update;
    }

    /// <summary>
    /// A second lower bound on Σ_w (ℓ_f + max(ℓ_e, ℓ_g)) over every allocation within the budget: ℓ_u ≥ M_u / r_u,
    /// max(ℓ_e, ℓ_g) ≥ (ℓ_e + ℓ_g)/2, and the continuous problem min Σ a_u / r_u s.t. Σ X_u·r_u ≤ X_total has the
    /// Cauchy–Schwarz optimum (Σ √(a_u·X_u))² / X_total (weights a = M for forward, M/2 for the backward pair).
    /// </summary>
    private static double RelaxedStageSum(ReadOnlySpan<long> mvms, ReadOnlySpan<long> x, long spare)
    {
        double root = 0, total = spare;
        for (int i = 0; i < mvms.Length; i++)
        {
            if (mvms[i] == 0) continue;
            total += x[i];
            root += Math.Sqrt((i % 3 == 0 ? 1.0 : 0.5) * mvms[i] * x[i]);
        }
        return total > 0 ? root * root / total : 0;
    }

    private static long Capped(ReadOnlySpan<long> mvms, ReadOnlySpan<long> x, ReadOnlySpan<long> level, int i, long free)
    {
        if (mvms[i] == 0) return 0;
        long r = (mvms[i] + level[i] - 1) / level[i]; // the current copies: the fewest that reach level[i]
        long cap = r + (x[i] > 0 ? free / x[i] : mvms[i]);
        return cap >= mvms[i] ? 1 : (mvms[i] + cap - 1) / cap;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SiftDown(Span<int> heap, int n, int k, Span<long> level)
    {
        int item = heap[k];
        long key = level[item];
        while (true)
        {
            int child = 2 * k + 1;
            if (child >= n) break;
            if (child + 1 < n && level[heap[child + 1]] > level[heap[child]]) child++;
            if (level[heap[child]] <= key) break;
            heap[k] = heap[child];
            k = child;
        }
        heap[k] = item;
    }
}
