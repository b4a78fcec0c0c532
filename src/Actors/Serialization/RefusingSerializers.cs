using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace DeepTrain.Actors.Serialization;

/// <summary>
/// Takes the place of a serializer Akka would otherwise run on bytes from the wire, and refuses everything. Inbound
/// bytes under its identifier raise <see cref="SerializationException"/> before any type name in the manifest is
/// resolved (it is a string-manifest serializer, so Akka hands it the manifest untouched); Akka.Remote logs the error
/// and drops the message. Outbound, it names the type that has no contract. See cluster.hocon and docs/CLUSTER.md.
/// </summary>
public abstract class RefusingSerializer(ExtendedActorSystem system, string what) : SerializerWithStringManifest(system)
{
    public override string Manifest(object o) => throw Refuse(o.GetType().FullName ?? "?");
    public override byte[] ToBinary(object obj) => throw Refuse(obj.GetType().FullName ?? "?");

    public override object FromBinary(byte[] bytes, string manifest) =>
        throw new SerializationException($"refused {what} payload on the wire (manifest '{Trim(manifest)}', {bytes.Length} bytes): " +
                                         "only DeepTrain contracts and Akka's own messages deserialize; dropped");

    private SerializationException Refuse(string type) =>
        new($"{type} is not a registered DeepTrain contract; {what} is disabled, so it is not sent");

    private static string Trim(string s) => s.Length <= 64 ? s : s[..64] + "...";
}

/// <summary>Replaces Akka's Newtonsoft JSON serializer (identifier 1, bound to System.Object): no type is ever
/// deserialized from JSON, and nothing without a contract leaves this node.</summary>
public sealed class RefuseJsonSerializer(ExtendedActorSystem system) : RefusingSerializer(system, "JSON (Newtonsoft) serialization")
{
    /// <summary>Akka passes akka.actor.serialization-settings.json when that section exists (it does, in Akka's defaults).</summary>
    public RefuseJsonSerializer(ExtendedActorSystem system, Akka.Configuration.Config _) : this(system) { }

    public const int Id = 1;
    public override int Identifier => Id;
}

/// <summary>Replaces Akka.Remote's DaemonMsgCreate serializer (identifier 3): remote deployment would create actors
/// from type names chosen by the peer. DeepTrain never deploys actors remotely.</summary>
public sealed class RefuseRemoteDeploySerializer(ExtendedActorSystem system) : RefusingSerializer(system, "remote actor deployment")
{
    public RefuseRemoteDeploySerializer(ExtendedActorSystem system, Akka.Configuration.Config _) : this(system) { }

    public const int Id = 3;
    public override int Identifier => Id;
}
