namespace DeepTrain.Model.Mapping;

/// <summary>
/// The replication rule before issue 10, kept only as a reference for tests and benchmarks
/// (<see cref="ReplicationAllocator"/> replaces it and is never worse). Greedy replication (PipeLayer's G) under the crossbar budget, mask-independent. The objective is the batch time
/// without normalization barriers, T = Σt + (B−1)·max t + T_update, where T_update = max(fixed write time,
/// rewritten cells × seconds per cell write): every forward and transposed replica is reprogrammed each batch, so
/// copies are not free. Each step takes the group of stages tied at the current maximum (forward, backward-error or
/// gradient copy of some layer), gives each the fewest extra copies that shorten it, and keeps the step only if it
/// fits in the spare crossbars and the pipeline saving exceeds the extra update time. Stops at the first step that
/// does not pay (the slowest stage then sets (B−1)·max). Deterministic.
/// </summary>
internal static class GreedyReplication
{
    /// <param name="secondsPerCellWrite">Update time per rewritten cell when programming is power-bound.</param>
    /// <param name="fixedUpdateSeconds">Update time when latency-bound (rows × write latency).</param>
    public static List<LayerMapping> Balance(IReadOnlyList<LayerMapping> layers, long spareCrossbars, double mvmSeconds,
                                             int batch, double secondsPerCellWrite, double fixedUpdateSeconds)
    {
        int n = layers.Count;
        var r = new int[n * 3];
        var mvms = new long[n * 3];
        var cost = new long[n * 3];
        var cells = new double[n * 3];
        var q = new PriorityQueue<int, (double, int)>();
        double rewritten = 0;
        for (int i = 0; i < n; i++)
        {
            var m = layers[i];
            mvms[3 * i] = m.MvmsForward; cost[3 * i] = m.CrossbarsForward; cells[3 * i] = m.CellsPerCopy;
            mvms[3 * i + 1] = m.NeedsBackwardError ? m.MvmsBackward : 0; cost[3 * i + 1] = m.CrossbarsBackward; cells[3 * i + 1] = m.CellsPerCopy;
            mvms[3 * i + 2] = m.MvmsGradient; cost[3 * i + 2] = m.CrossbarsGradient; cells[3 * i + 2] = 0; // accumulators, not weights
            rewritten += m.CellsPerCopy * (m.NeedsBackwardError ? 2.0 : 1.0);
            for (int k = 0; k < 3; k++)
            {
                int u = 3 * i + k;
                r[u] = 1;
                if (mvms[u] > 0) q.Enqueue(u, (-Time(u), u));
            }
        }
        double Time(int u) => LayerMapping.StageSeconds(mvms[u], r[u], mvmSeconds);
        double Update(double c) => Math.Max(fixedUpdateSeconds, c * secondsPerCellWrite);
        long spare = spareCrossbars;
        var group = new List<(int U, int Next)>();
        while (q.Count > 0)
        {
            group.Clear();
            double tMax = Time(q.Peek());
            bool stuck = false;
            while (q.Count > 0 && Time(q.Peek()) == tMax)
            {
                int u = q.Dequeue();
                if (r[u] >= mvms[u]) { stuck = true; group.Add((u, r[u])); continue; }
                long cur = (mvms[u] + r[u] - 1) / r[u];
                group.Add((u, (int)((mvms[u] + cur - 2) / (cur - 1))));
            }
            if (stuck) break;
            double below = q.Count > 0 ? Time(q.Peek()) : 0;
            long extra = 0; double extraCells = 0, newMax = below, sumSaving = 0;
            foreach (var (u, next) in group)
            {
                extra += (next - r[u]) * cost[u];
                extraCells += (next - r[u]) * cells[u];
                double tn = LayerMapping.StageSeconds(mvms[u], next, mvmSeconds);
                newMax = Math.Max(newMax, tn);
                sumSaving += tMax - tn;
            }
            double saving = sumSaving + (batch - 1) * (tMax - newMax);
            double extraUpdate = Update(rewritten + extraCells) - Update(rewritten);
            if (extra > spare || saving <= extraUpdate) break;
            spare -= extra;
            rewritten += extraCells;
            foreach (var (u, next) in group) { r[u] = next; q.Enqueue(u, (-Time(u), u)); }
        }
        var result = new List<LayerMapping>(n);
        for (int i = 0; i < n; i++)
            result.Add(layers[i] with { ReplicationForward = r[3 * i], ReplicationBackward = r[3 * i + 1], ReplicationGradient = r[3 * i + 2] });
        return result;
    }
}
