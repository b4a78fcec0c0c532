using DeepTrain.Model.Evaluation;
using DeepTrain.Model.Hardware;
using DeepTrain.Model.Search.Acquisition;
using DeepTrain.Model.Search.Baselines;
using DeepTrain.Model.Search.Optim;
using DeepTrain.Model.Search.Oracles;
using DeepTrain.Model.Search.Problems;
using DeepTrain.Model.Workloads;

namespace DeepTrain.Model.Search.Study;

/// <summary>
/// The settings of `deeptrain optimize` as plain data: what a client sends to a cluster coordinator, and what the
/// single-node command builds its study from. <see cref="NetworkText"/> is --net as typed (passed on to oracles).
/// </summary>
public sealed record StudyRequest
{
    public string NetworkText { get; init; } = "";
    public int? Sites { get; init; }
    public string Objective { get; init; } = "time";
    public required string Oracle { get; init; }
    public string Method { get; init; } = "bo";
    public string Acquisition { get; init; } = "ei";
    public double Tolerance { get; init; } = 0.5;
    public int Budget { get; init; } = 60;
    public int Batch { get; init; } = 4;
    public int Seed { get; init; } = 1;
    public int ReferenceSeeds { get; init; } = 1;
    public int Candidates { get; init; } = 20000;
    public int Images { get; init; } = 64;
    public double TimeoutSeconds { get; init; } = 86400;
    public int Retries { get; init; } = 1;
}

/// <summary>
/// One place that turns a <see cref="StudyRequest"/> into the engine's objects (config, objective, proposer, model
/// tables), so single-node `optimize`, the cluster coordinator and the cluster client build exactly the same study.
/// Bad values raise <see cref="UserError"/> naming the option.
/// </summary>
public sealed class StudySetup
{
    public required StudyRequest Request { get; init; }
    public required StudyConfig Config { get; init; }
    public required IMaskObjective Objective { get; init; }
    public required IMaskProposer Proposer { get; init; }
    public Network? Network { get; init; }
    public ModelTables? Tables { get; init; }
    /// <summary>What oracle factories get (sites, --net text, timeout, attempts).</summary>
    public required OracleContext OracleContext { get; init; }

    public static void Validate(StudyRequest r)
    {
        if (r.Budget < 1) throw new UserError($"--budget must be at least 1, got {r.Budget}");
        if (r.Batch < 1) throw new UserError($"--batch must be at least 1, got {r.Batch}");
        if (r.Tolerance < 0 || double.IsNaN(r.Tolerance)) throw new UserError($"--tolerance must be ≥ 0, got {r.Tolerance}");
        if (r.ReferenceSeeds < 1) throw new UserError("--reference-seeds must be at least 1");
        if (r.Images < 1) throw new UserError($"--images must be at least 1, got {r.Images}");
        if (r.Retries < 0) throw new UserError($"--retries must be at least 0, got {r.Retries}");
        if (!(r.TimeoutSeconds > 0)) throw new UserError($"--oracle-timeout must be positive, got {r.TimeoutSeconds}");
    }

    /// <param name="network">The resolved --net (null when none was given).</param>
    /// <param name="arch">The architecture (only used with a network).</param>
    /// <param name="scorer">Who scores BO candidates (null: this thread).</param>
    public static StudySetup Build(StudyRequest r, Network? network, ArchSpec? arch, ICandidateScorer? scorer = null)
    {
        Validate(r);
        int siteCount = network?.SiteCount ?? r.Sites ?? SyntheticSites(r.Oracle)
            ?? throw new UserError("give --net (or --sites for a table/command oracle)");
        if (r.Sites is int s && network is not null && s != network.SiteCount)
            throw new UserError($"--sites {s} disagrees with {network.Name}, which has {network.SiteCount} sites");
        if (siteCount < 1) throw new UserError($"--sites must be at least 1, got {siteCount}");
        ModelTables? tables = network is null || arch is null ? null : ModelTables.Build(network, arch, r.Images);
        IMaskObjective obj = r.Objective.Trim().ToLowerInvariant() switch
        {
            "sites" => new SitesObjective(siteCount),
            "time" => new ModelObjective(tables ?? throw new UserError("--objective time needs --net"), ModelFigure.TimePerBatch),
            "energy" => new ModelObjective(tables ?? throw new UserError("--objective energy needs --net"), ModelFigure.EnergyPerImage),
            _ => throw new UserError($"--objective: unknown '{r.Objective}'; use time, sites or energy"),
        };
        var bo = new BoOptions { Acquisition = AcquisitionContext.ParseKind(r.Acquisition), Candidates = Math.Max(100, r.Candidates) };
        var proposer = Proposers.Create(r.Method, bo, scorer);
        string netName = network?.Name ?? r.NetworkText;
        var config = new StudyConfig
        {
            Network = netName, SiteCount = siteCount, Objective = obj.Name, Oracle = r.Oracle, Method = proposer.Name,
            TolerancePercent = r.Tolerance, Budget = r.Budget, BatchSize = r.Batch, Seed = r.Seed, ReferenceSeeds = r.ReferenceSeeds,
            Acquisition = r.Acquisition, Candidates = bo.Candidates,
        };
        return new StudySetup
        {
            Request = r, Config = config, Objective = obj, Proposer = proposer, Network = network, Tables = tables,
            OracleContext = new OracleContext(siteCount, netName, TimeSpan.FromSeconds(r.TimeoutSeconds), r.Retries + 1),
        };
    }

    /// <summary>The oracle of this study (parsed from its spec; table files are read now).</summary>
    public IAccuracyOracle CreateOracle() => OracleRegistry.Parse(Request.Oracle, OracleContext);

    private static int? SyntheticSites(string oracle) =>
        oracle.StartsWith("synthetic:", StringComparison.OrdinalIgnoreCase)
            ? OracleRegistry.SyntheticProblem(oracle["synthetic:".Length..], 0).SiteCount : null;
}
