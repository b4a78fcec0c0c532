using System.Runtime.Serialization;
using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Serialization;

namespace DeepTrain.Tests.Actors;

public sealed class SerializationTests : IDisposable
{
    private readonly ActorSystem _system = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "ser" });

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    public static readonly object[] Samples =
    [
        new RequestEvaluation("w1", 3),
        new EvaluateProposal("s", 7, "0101", 42),
        new ProposalResult("s", 7, "0101", 93.25, null, "w1"),
        new ProposalResult("s", 8, "0111", 0, "oracle crashed", "w2"),
        new ResultAcknowledged("s", 7),
        new GpSnapshot("s", 2, ["01", "10"], [90.5, 91.0], [0.3, 1.2]),
        new RequestCandidateChunk("w"),
        new CandidateChunk("s", 2, 9, 1_000_000, 4096, 8),
        new ScoredCandidates("s", 9, ["0110"], [0.75]),
        new RequestSweepChunk("w"),
        new SweepChunk("sw", 3, 300, 100, "{}"),
        new SweepRow(301, [1.5, 2.5], "0101"),
        new SweepChunkResult("sw", 3, [new SweepRow(301, [1.5], "01")], [301]),
        new NoWorkNow("idle"),
        new GetStudyStatus("s"),
        new StudyStatus("s", 5, 1, false, "0101", 93.1),
        new Ping(5),
        new Pong(5, "node"),
    ];

    [Fact]
    public void EveryContractRoundTripsThroughOurSerializer()
    {
        var contracts = typeof(IClusterMessage).Assembly.GetTypes()
            .Where(t => typeof(IClusterMessage).IsAssignableFrom(t) && !t.IsInterface).ToHashSet();
        Assert.Equal(contracts, Samples.Select(s => s.GetType()).ToHashSet());
        Assert.Equal(contracts, ContractSerializer.Manifests.Values.ToHashSet());
        foreach (var msg in Samples)
        {
            var ser = _system.Serialization.FindSerializerFor(msg);
            Assert.IsType<ContractSerializer>(ser); // not Akka's JSON fallback
            var manifest = ((ContractSerializer)ser).Manifest(msg);
            Assert.True(manifest.Length <= 2);
            var back = _system.Serialization.Deserialize(ser.ToBinary(msg), ser.Identifier, manifest);
            // Records with arrays compare arrays by reference: compare the serialized forms instead.
            Assert.Equal(msg.GetType(), back.GetType());
            Assert.Equal(ser.ToBinary(msg), ser.ToBinary(back));
            if (msg is EvaluateProposal or ProposalResult or Ping) Assert.Equal(msg, back);
        }
    }

    [Fact]
    public void UnknownManifestAndMalformedBytesAreSerializationErrors()
    {
        var ser = (ContractSerializer)_system.Serialization.FindSerializerFor(new Ping(1));
        Assert.Throws<SerializationException>(() => ser.FromBinary([1, 2, 3], "zz"));
        Assert.Throws<SerializationException>(() => ser.FromBinary([0xc1, 0xff, 0x00], "ep"));
        Assert.Throws<SerializationException>(() => ser.FromBinary([], "pr"));
    }
}
