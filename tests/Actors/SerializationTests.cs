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
        new EvaluateProposal("s", 8, "0111", 1, "command:python3 train.py {mask}", "resnet20", 4, 600, 2),
        new ProposalResult("s", 9, "0011", 91.5, null, "w3", 2, 12.5),
        new GpSnapshot("s", 2, 0, 4, false, [0.1, -2.0, 0.3], [0b0101UL, 0b1010UL], 2, [0.5, -0.5], [1.0, 0.2, 0.9], 90.0, 1.5,
            0, 89.5, 3.0, 2.0, 77UL, [123UL, 456UL], 64),
        new GpTraining("s", 3, 0, 4, false, [0.1, -2.0, 0.3], [0b0101UL, 0b1010UL], [90.5, 91.0], 0, 89.5, 3.0, 2.0, 77UL, [123UL], 64),
        new RequestCandidateChunk("w", 2),
        new CandidateChunk("s", 2, 9, 4096, 2, [0b0110UL, 0b0011UL], [2.0, 2.0]),
        new ScoredCandidates("s", 2, 9, [4097], [0.75], "w", 0.01),
        new ScoredCandidates("s", 2, 10, [], [], "w", 0, "no GP snapshot for this round"),
        new SubmitStudy("s", "resnet20", "{}", "{}", 0, "time", "synthetic:critical", "bo", "ei", 0.5, 60, 4, 1, 1, 20000, 64, 600, 1),
        new StudyAccepted("s", false, 0),
        new StudyRejected("s", "bad"),
        new GetStudyRecords("s", 4, 2),
        new StudyRecords("s", [new ProposalRecord(0, 0, "1111", 1)], [new ObservationRecord(0, "1111", 92.0, null, "w", 1, 3.5)], false, null, 0),
        new RequestSweepChunk("w"),
        new SweepChunk("sw", 3, 300, 100, "{}"),
        new SweepRow(301, [1.5, 2.5], "0101"),
        new SweepChunkResult("sw", 3, [new SweepRow(301, [1.5], "01")], [301]),
        new SweepChunk("sw", 4, 400, 100, "{}", FrontOnly: true),
        new SweepChunkResult("sw", 4, [new SweepRow(417, [0.5], "11")], [], 400, 100),
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
