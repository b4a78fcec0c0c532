using DeepTrain.Model.Search.Problems;

namespace DeepTrain.Model.Search.Oracles;

/// <summary>`synthetic:NAME` — answers from a <see cref="ISyntheticProblem"/> (known optimum; for tests and demos).
/// Counts calls so tests can check that a resumed study repeats none.</summary>
public sealed class SyntheticOracle(ISyntheticProblem problem) : IAccuracyOracle
{
    private int _calls;
    public ISyntheticProblem Problem => problem;
    public string Name => "synthetic:" + problem.Name;
    public int Calls => Volatile.Read(ref _calls);

    public Task<OracleResult> EvaluateAsync(OracleRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        return Task.FromResult(OracleResult.Ok(problem.Accuracy(request.Mask, request.Seed)));
    }
}
