using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using DeepTrain.Actors.Contracts;
using MessagePack;
using MessagePack.Resolvers;

namespace DeepTrain.Actors.Serialization;

/// <summary>
/// The one serializer for <see cref="IClusterMessage"/> contracts: MessagePack with an explicit, short manifest per
/// type (no type names on the wire, no polymorphic resolver). Registered in cluster.hocon with identifier
/// <see cref="Id"/>. An unknown manifest or malformed bytes throw <see cref="SerializationException"/>; Akka.Remote
/// logs that and drops the message, so the node keeps serving.
/// </summary>
public sealed class ContractSerializer : SerializerWithStringManifest
{
    public const int Id = 4711;

    /// <summary>Manifest ↔ type. Manifests are part of the wire format: never reuse or rename one.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Manifests = new Dictionary<string, Type>
    {
        ["re"] = typeof(RequestEvaluation),
        ["ep"] = typeof(EvaluateProposal),
        ["pr"] = typeof(ProposalResult),
        ["ra"] = typeof(ResultAcknowledged),
        ["gs"] = typeof(GpSnapshot),
        ["gd"] = typeof(GpTraining),
        ["rc"] = typeof(RequestCandidateChunk),
        ["cc"] = typeof(CandidateChunk),
        ["sc"] = typeof(ScoredCandidates),
        ["rs"] = typeof(RequestSweepChunk),
        ["sk"] = typeof(SweepChunk),
        ["sr"] = typeof(SweepRow),
        ["sx"] = typeof(SweepChunkResult),
        ["nw"] = typeof(NoWorkNow),
        ["gt"] = typeof(GetStudyStatus),
        ["st"] = typeof(StudyStatus),
        ["pi"] = typeof(Ping),
        ["po"] = typeof(Pong),
        ["ss"] = typeof(SubmitStudy),
        ["sa"] = typeof(StudyAccepted),
        ["sj"] = typeof(StudyRejected),
        ["gr"] = typeof(GetStudyRecords),
        ["rr"] = typeof(StudyRecords),
    };

    private static readonly Dictionary<Type, string> ByType = Manifests.ToDictionary(kv => kv.Value, kv => kv.Key);

    // StandardResolver only: attribute-keyed contracts, no typeless/dynamic resolution of type names.
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(StandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public ContractSerializer(ExtendedActorSystem system) : base(system) { }

    /// <summary>A contract's bytes with this serializer's options (e.g. a submitted study kept in the store).</summary>
    public static byte[] Pack<T>(T value) where T : IClusterMessage => MessagePackSerializer.Serialize(value, Options);

    public static T Unpack<T>(byte[] bytes) where T : IClusterMessage
    {
        try { return MessagePackSerializer.Deserialize<T>(bytes, Options); }
        catch (MessagePackSerializationException e) { throw new SerializationException($"malformed {typeof(T).Name}", e); }
    }

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        ByType.TryGetValue(o.GetType(), out var m)
            ? m
            : throw new SerializationException($"{o.GetType().FullName} is not a registered DeepTrain contract");

    public override byte[] ToBinary(object obj)
    {
        var type = obj.GetType();
        if (!ByType.ContainsKey(type))
            throw new SerializationException($"{type.FullName} is not a registered DeepTrain contract");
        return MessagePackSerializer.Serialize(type, obj, Options);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Manifests.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown DeepTrain contract manifest '{Trim(manifest)}' ({bytes.Length} bytes): dropped");
        try
        {
            return MessagePackSerializer.Deserialize(type, bytes, Options)
                   ?? throw new SerializationException($"malformed DeepTrain contract '{manifest}': null");
        }
        catch (MessagePackSerializationException e)
        {
            throw new SerializationException($"malformed DeepTrain contract '{manifest}' ({bytes.Length} bytes): dropped", e);
        }
    }

    private static string Trim(string s) => s.Length <= 16 ? s : s[..16] + "...";
}
