using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Remote.Transport.DotNetty;
using Akka.Configuration;

namespace DeepTrain.Actors.Hosting;

/// <summary>Builds the ActorSystem from cluster.hocon (next to the binary, else the embedded copy) plus options.</summary>
public static class ClusterHost
{
    public static string LoadBaseHocon()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "cluster.hocon");
        if (File.Exists(file)) return File.ReadAllText(file);
        using var s = typeof(ClusterHost).Assembly.GetManifestResourceStream("DeepTrain.cluster.hocon")
                      ?? throw new InvalidOperationException("embedded cluster.hocon missing");
        return new StreamReader(s).ReadToEnd();
    }

    public static Config BuildConfig(NodeOptions o)
    {
        var lines = new List<string>();
        if (!o.Clustered)
        {
            // One process: same actors, no remoting, no port.
            lines.Add("akka.actor.provider = local");
        }
        else
        {
            lines.Add($"akka.remote.dot-netty.tcp.hostname = {Q(o.Host)}");
            lines.Add($"akka.remote.dot-netty.tcp.port = {o.Port}");
            var seeds = o.Seeds.Select(s => Q($"akka.tcp://{o.SystemName}@{NormalizeSeed(s)}"));
            lines.Add($"akka.cluster.seed-nodes = [{string.Join(", ", seeds)}]");
            lines.Add($"akka.cluster.roles = [{string.Join(", ", o.Roles.Select(Q))}]");
            if (o.TlsCertificatePath is not null) lines.Add("akka.remote.dot-netty.tcp.enable-ssl = true");
        }
        var cfg = ConfigurationFactory.ParseString(string.Join("\n", lines));
        if (o.ExtraHocon is { } extra) cfg = ConfigurationFactory.ParseString(extra).WithFallback(cfg);
        return cfg.WithFallback(ConfigurationFactory.ParseString(LoadBaseHocon()));
    }

    /// <summary>
    /// Starts the node. A bind failure (address not on this machine, port taken) is a <see cref="Model.UserError"/>
    /// naming the address and port. A coordinator given no seed nodes joins itself: it is the seed.
    /// </summary>
    public static ActorSystem Start(NodeOptions o)
    {
        ActorSystem system;
        try { system = Create(o); }
        catch (Exception e) when (o.Clustered && BindFailure(e) is { } why)
        {
            throw new Model.UserError($"cannot listen on {o.Host}:{o.Port}: {why}");
        }
        if (o.Clustered && o.Seeds.Count == 0 && o.Roles.Contains(StudyTopology.CoordinatorRole))
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            cluster.Join(cluster.SelfAddress);
        }
        return system;
    }

    /// <summary>The socket-level reason when starting remoting failed, else null.</summary>
    internal static string? BindFailure(Exception e)
    {
        var all = Flatten(e).ToList();
        if (all.OfType<System.Net.Sockets.SocketException>().FirstOrDefault() is { } se) return se.Message;
        if (all.FirstOrDefault(x => x is Akka.Remote.RemoteTransportException) is { } rt)
            return (rt.InnerException ?? rt).Message.Split('\n')[0].Trim();
        return null;
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        var inner = e is AggregateException a ? a.InnerExceptions : (IEnumerable<Exception>)(e.InnerException is null ? [] : [e.InnerException]);
        foreach (var i in inner)
        foreach (var x in Flatten(i))
            yield return x;
    }

    private static ActorSystem Create(NodeOptions o)
    {
        var config = BuildConfig(o);
        if (!o.Clustered || o.TlsCertificatePath is null) return ActorSystem.Create(o.SystemName, config);
        // TLS with mutual authentication: this node presents its certificate and requires one from every peer,
        // validated against the machine's trust store, or pinned to one thumbprint (a cluster-wide self-signed cert).
        var cert = X509CertificateLoader.LoadPkcs12FromFile(o.TlsCertificatePath, o.TlsCertificatePassword, X509KeyStorageFlags.Exportable);
        var ssl = o.TlsPinnedThumbprint is { Length: > 0 } pin
            ? new DotNettySslSetup(cert, false, true, false, CertificateValidation.PinnedCertificate(pin))
            : new DotNettySslSetup(cert, false, true);
        return ActorSystem.Create(o.SystemName, BootstrapSetup.Create().WithConfig(config).And(ssl));
    }

    /// <summary>"HOST:PORT" (what users type) → "HOST:PORT", validated.</summary>
    public static string NormalizeSeed(string seed)
    {
        var s = seed.StartsWith("akka.tcp://", StringComparison.Ordinal) ? seed[(seed.IndexOf('@') + 1)..] : seed;
        int colon = s.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(s[(colon + 1)..], out var port) || port is <= 0 or > 65535)
            throw new Model.UserError($"seed '{seed}' is not HOST:PORT");
        return s;
    }

    private static string Q(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
