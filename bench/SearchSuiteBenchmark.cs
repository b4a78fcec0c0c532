using System.Globalization;
using DeepTrain.Model.Search.Problems;

namespace DeepTrain.Bench;

/// <summary>
/// Search quality on the problem suite (not BenchmarkDotNet: it measures oracle calls, not time).
/// Run: dotnet run -c Release --project bench -- search [--problems windows-19,spacing-55,…|standard|noisy]
///      [--methods bo/ei,bo/pf,bo/ts,bo/ei/q4,random,greedy,everyk] [--seeds 10] [--budget N] [--candidates 20000]
///      [--out bench/SEARCH_SUITE.md]
/// Prints one table row per (problem, method) as it completes, then the whole table; writes it to --out.
/// </summary>
public static class SearchSuiteBenchmark
{
    public static void Run(string[] args)
    {
        string Opt(string name, string dflt)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : dflt;
        }
        var problems = Opt("--problems", "standard") switch
        {
            "standard" => SuiteProblem.Standard(),
            "noisy" => SuiteProblem.Standard(noisy: true).Where(p => p.NoiseSd > 0).ToList(),
            var list => list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(s => SuiteProblem.TryParse(s) ?? throw new ArgumentException($"not a suite problem: {s}")).ToList(),
        };
        var methods = Opt("--methods", "bo/ei,bo/pf,bo/ts,random,greedy,everyk").Split(',').Select(SearchMethod.Parse).ToList();
        int seeds = int.Parse(Opt("--seeds", "10"), CultureInfo.InvariantCulture);
        int cands = int.Parse(Opt("--candidates", "20000"), CultureInfo.InvariantCulture);
        int refSeeds = int.Parse(Opt("--reference-seeds", "1"), CultureInfo.InvariantCulture);
        string? budget = Opt("--budget", "");
        string outPath = Opt("--out", "bench/SEARCH_SUITE.md");
        var rows = new List<SuiteRow>();
        Console.WriteLine(SuiteRunner.Markdown([]).TrimEnd());
        foreach (var p in problems)
            foreach (var m in methods)
            {
                var runs = new List<SuiteRun>();
                for (int seed = 1; seed <= seeds; seed++)
                    runs.Add(SuiteRunner.RunOne(p, m, seed, budget.Length > 0 ? int.Parse(budget, CultureInfo.InvariantCulture) : null, cands, refSeeds, args.Contains("--trace") ? Console.Error : null));
                var row = SuiteRunner.Aggregate(p, m, runs);
                rows.Add(row);
                Console.WriteLine(SuiteRunner.Markdown([row]).Split('\n')[2].TrimEnd());
            }
        var table = SuiteRunner.Markdown(rows);
        File.WriteAllText(outPath, $"<!-- dotnet run -c Release --project bench -- search {string.Join(' ', args)} -->\n\n{table}");
        Console.WriteLine();
        Console.WriteLine($"wrote {outPath}");
    }
}
