namespace DeepTrain.Model.Mapping;

/// <summary>
/// Greedy replication (PipeLayer's G): repeatedly give one more copy to the slowest stage (forward, backward-error
/// or gradient copy of some layer) while its copy fits in the spare crossbars and more copies still shorten it
/// (at most one MVM per copy). Stops when the slowest stage cannot be improved, since the pipeline's
/// (B−1)·max term is set by it. Deterministic (ties broken by layer, then pass).
/// </summary>
public static class ReplicationBalancer
{
    public static List<LayerMapping> Balance(IReadOnlyList<LayerMapping> layers, long spareCrossbars, double mvmSeconds)
    {
        int n = layers.Count;
        var r = new int[n * 3];
        var mvms = new long[n * 3];
        var cost = new long[n * 3];
        var q = new PriorityQueue<int, (double, int)>();
        for (int i = 0; i < n; i++)
        {
            var m = layers[i];
            mvms[3 * i] = m.MvmsForward; cost[3 * i] = m.CrossbarsForward;
            mvms[3 * i + 1] = m.NeedsBackwardError ? m.MvmsBackward : 0; cost[3 * i + 1] = m.CrossbarsBackward;
            mvms[3 * i + 2] = m.MvmsGradient; cost[3 * i + 2] = m.CrossbarsGradient;
            for (int k = 0; k < 3; k++)
            {
                int u = 3 * i + k;
                r[u] = 1;
                if (mvms[u] > 0) q.Enqueue(u, (-LayerMapping.StageSeconds(mvms[u], 1, mvmSeconds), u));
            }
        }
        long spare = spareCrossbars;
        while (q.Count > 0)
        {
            int u = q.Dequeue();
            if (r[u] >= mvms[u] || cost[u] > spare) break;
            // Jump straight to the next replication count that actually shortens the stage.
            long cur = (mvms[u] + r[u] - 1) / r[u];
            int next = (int)((mvms[u] + cur - 2) / (cur - 1));
            long extra = (long)(next - r[u]) * cost[u];
            if (extra > spare) break;
            spare -= extra;
            r[u] = next;
            q.Enqueue(u, (-LayerMapping.StageSeconds(mvms[u], r[u], mvmSeconds), u));
        }
        var result = new List<LayerMapping>(n);
        for (int i = 0; i < n; i++)
            result.Add(layers[i] with { ReplicationForward = r[3 * i], ReplicationBackward = r[3 * i + 1], ReplicationGradient = r[3 * i + 2] });
        return result;
    }
}
