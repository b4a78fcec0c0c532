using System.Buffers;
using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Problems;

/// <summary>Which model figure the search minimizes.</summary>
public enum ModelFigure { TimePerBatch, EnergyPerImage }

/// <summary>
/// Thin adapter from the model's vectorized evaluator (<see cref="MaskBatchEvaluator"/>) to <see cref="IMaskObjective"/>;
/// seeds are the exact fastest placement for each number of sites (<see cref="PlacementDp"/>).
/// </summary>
public sealed class ModelObjective : IMaskObjective
{
    private readonly MaskBatchEvaluator _eval;
    private readonly ModelFigure _figure;
    private readonly Lazy<IReadOnlyList<Placement>> _dp;

    public ModelObjective(ModelTables tables, ModelFigure figure)
    {
        _eval = new MaskBatchEvaluator(tables);
        _figure = figure;
        _dp = new Lazy<IReadOnlyList<Placement>>(() => PlacementDp.Solve(tables));
    }

    public int SiteCount => _eval.Tables.SiteCount;
    public string Name => _figure == ModelFigure.TimePerBatch ? "time" : "energy";
    public string Unit => _figure == ModelFigure.TimePerBatch ? "s" : "J";
    public IEnumerable<SiteMask> Seeds => _dp.Value.Select(p => p.Mask);

    public void Evaluate(ReadOnlySpan<ulong> packedMasks, int count, Span<double> values)
    {
        int words = SiteMask.WordsFor(SiteCount);
        var other = ArrayPool<double>.Shared.Rent(Math.Max(1, count));
        try
        {
            if (_figure == ModelFigure.TimePerBatch) _eval.Evaluate(packedMasks, words, count, values, other);
            else _eval.Evaluate(packedMasks, words, count, other, values);
        }
        finally { ArrayPool<double>.Shared.Return(other); }
    }
}
