using DeepTrain.Model;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Workloads;
using DeepTrain.Training.Data;

namespace DeepTrain.Training;

/// <summary>
/// The <c>proxy:</c> oracle: a trainability PROXY, not an accuracy. It reports 100·10^s, where s ≤ 0 is
/// <see cref="TrainabilityProxy.Score"/> (−std over layers of log10 ‖∇W‖/‖W‖ at initialization), so a network whose
/// layers would all learn at the same relative speed scores 100 and each decade of spread divides the score by ten.
/// The study's tolerance is then in these proxy units. Milliseconds per call. Its rank correlation with trained
/// accuracy was measured at −0.04 (docs/TRAINER.md): use it to exercise a study cheaply, not to choose sites.
/// Spec text after <c>proxy:</c>: optional <c>batch=64, threads=1, difficulty=0.5, train=4000</c>.
/// </summary>
public sealed class ProxyOracle : IAccuracyOracle
{
    private readonly Network _network;
    private readonly DataSplit _data;
    private readonly int _batch, _threads;

    public ProxyOracle(Network network, DataSplit data, int batch, int threads)
    {
        _network = network; _data = data; _batch = batch; _threads = threads;
    }

    public string Name => $"proxy:{_network.Name} (trainability proxy, not an accuracy)";

    public static void Register() =>
        OracleRegistry.Register("proxy", (arg, ctx) =>
        {
            if (string.IsNullOrWhiteSpace(ctx.Network)) throw new OracleError("--oracle proxy: needs --net");
            var net = Zoo.Resolve(ctx.Network);
            int batch = 64, threads = 1, train = 4000; double difficulty = 0.5;
            foreach (var part in arg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
                bool ok = kv.Length == 2;
                switch (ok ? kv[0].ToLowerInvariant() : "")
                {
                    case "batch": ok = int.TryParse(kv[1], out batch) && batch > 0; break;
                    case "threads": ok = int.TryParse(kv[1], out threads) && threads > 0; break;
                    case "train": ok = int.TryParse(kv[1], out train) && train > 0; break;
                    case "difficulty": ok = double.TryParse(kv[1], System.Globalization.CultureInfo.InvariantCulture, out difficulty); break;
                    default: ok = false; break;
                }
                if (!ok) throw new OracleError($"--oracle proxy: bad option '{part}' (batch=N, threads=N, difficulty=X, train=N)");
            }
            return new ProxyOracle(net, TrainingData.For(net, null, difficulty, Math.Max(train, batch), 1), batch, threads);
        });

    public Task<OracleResult> EvaluateAsync(OracleRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Mask.Length != _network.SiteCount)
            throw new OracleError($"proxy oracle: mask has {request.Mask.Length} sites, {_network.Name} has {_network.SiteCount}");
        double s = TrainabilityProxy.Score(_network, request.Mask, _data.Train, (ulong)Math.Max(0, request.Seed), _batch, _threads);
        double value = double.IsFinite(s) ? 100 * Math.Pow(10, Math.Min(0, s)) : 0;
        return Task.FromResult(OracleResult.Ok(value));
    }
}
