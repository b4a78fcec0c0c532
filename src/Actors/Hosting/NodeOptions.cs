namespace DeepTrain.Actors.Hosting;

public enum NodeRole { Coordinator, Worker }

/// <summary>
/// How to start one node. <see cref="Clustered"/> false means one process, actor.provider = local, no port opened.
/// Host defaults to 127.0.0.1: binding anything else is an explicit choice.
/// </summary>
public sealed record NodeOptions
{
    public bool Clustered { get; init; } = true;
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; }
    public IReadOnlyList<string> Seeds { get; init; } = [];
    public IReadOnlyList<string> Roles { get; init; } = [];
    public string SystemName { get; init; } = "deeptrain";
    /// <summary>Optional TLS (mutual authentication): PKCS#12 file and password, see docs/CLUSTER.md.</summary>
    public string? TlsCertificatePath { get; init; }
    public string? TlsCertificatePassword { get; init; }
    /// <summary>Accept only peers presenting this certificate thumbprint (instead of trust-store validation).</summary>
    public string? TlsPinnedThumbprint { get; init; }
    /// <summary>Extra HOCON applied last (tests).</summary>
    public string? ExtraHocon { get; init; }

    /// <summary>Applies DEEPTRAIN_HOST, DEEPTRAIN_PORT, DEEPTRAIN_SEEDS (comma-separated), DEEPTRAIN_ROLES.</summary>
    public NodeOptions WithEnvironment(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var o = this;
        if (env("DEEPTRAIN_HOST") is { Length: > 0 } h) o = o with { Host = h };
        if (env("DEEPTRAIN_PORT") is { Length: > 0 } p)
            o = o with { Port = int.TryParse(p, out var n) && n is >= 0 and <= 65535
                ? n : throw new Model.UserError($"DEEPTRAIN_PORT '{p}' is not a port number") };
        if (env("DEEPTRAIN_SEEDS") is { Length: > 0 } s) o = o with { Seeds = s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        if (env("DEEPTRAIN_ROLES") is { Length: > 0 } r) o = o with { Roles = r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        return o;
    }
}
