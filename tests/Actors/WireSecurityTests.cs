using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Event;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using DeepTrain.Actors.Serialization;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

/// <summary>
/// Issue 12 item 22: a raw-socket client got a JSON-serialized SubmitStudy stored and run. The sender here is a
/// hostile peer: Akka's own Newtonsoft JSON serializer (identifier 1) on everything, over a real socket.
/// </summary>
public sealed class WireSecurityTests
{
    private const string HostileSender = """
        akka.actor.serializers.json = "Akka.Serialization.NewtonSoftJsonSerializer, Akka"
        akka.actor.serialization-identifiers { "Akka.Serialization.NewtonSoftJsonSerializer, Akka" = 1 }
        akka.actor.serialization-settings.allow-unregistered-types = true
        akka.actor.serialization-bindings {
          "DeepTrain.Actors.Contracts.SubmitStudy, DeepTrain.Actors" = json
          "System.Object" = json
        }
        """;

    /// <summary>Records whatever reaches it.</summary>
    private sealed class Recorder(ConcurrentQueue<object> seen) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            seen.Enqueue(message);
            if (message is Ping p) Sender.Tell(new Pong(p.Nonce, "recorder"));
        }
    }

    private sealed class LogCollector(ConcurrentQueue<string> lines) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is LogEvent e) lines.Enqueue($"{e.Message} {e.Cause}");
        }
    }

    [Fact]
    public async Task AJsonSerializedContractAndTypeNamedPayloadsAreDroppedAndLoggedNotExecuted()
    {
        using var store = new StudyStore(TempDb());
        var receiver = ClusterHost.Start(new NodeOptions { SystemName = "receiver" });
        var sender = ClusterHost.Start(new NodeOptions { SystemName = "sender", ExtraHocon = HostileSender });
        try
        {
            var logs = new ConcurrentQueue<string>();
            receiver.EventStream.Subscribe(receiver.ActorOf(Props.Create(() => new LogCollector(logs))), typeof(LogEvent));
            var seen = new ConcurrentQueue<object>();
            receiver.ActorOf(Props.Create(() => new Recorder(seen)), "recorder");
            receiver.ActorOf(StudyHost.Props(store, 128), StudyTopology.SingletonName);
            var at = new RootActorPath(((ExtendedActorSystem)receiver).Provider.DefaultAddress) / "user";
            var recorder = sender.ActorSelection(at / "recorder");
            var host = sender.ActorSelection(at / StudyTopology.SingletonName);

            // The hostile sender really does put JSON on the wire for a contract.
            Assert.Equal(1, sender.Serialization.FindSerializerFor(new SubmitStudy("x", "", "", "", 12, "sites", "synthetic", "bo", "ei",
                0.5, 6, 3, 1, 1, 300, 64, 600, 0)).Identifier);

            var submit = new SubmitStudy("json-study", "", "", "", 12, "sites", "synthetic:critical-12-3-7", "bo", "ei", 0.5, 6, 3, 11, 1, 300, 64, 600, 0);
            host.Tell(submit);                                                        // JSON-serialized contract
            recorder.Tell(new List<string> { "a", "b" });                            // type-named payloads
            recorder.Tell(new Uri("http://example.invalid/x"));
            recorder.Tell(new Dictionary<string, object> { ["$type"] = "System.Uri, System.Private.Uri" });
            // A real contract on the same association arrives after them (one connection, in order).
            var pong = await recorder.Ask<Pong>(new Ping(7), TimeSpan.FromSeconds(20));
            Assert.Equal(7, pong.Nonce);

            Assert.Equal([typeof(Ping)], seen.Select(m => m.GetType()).ToArray());
            Assert.Empty(store.Studies());                                           // not stored, not run
            Assert.True(logs.Count(l => l.Contains("refused JSON")) >= 4, string.Join("\n", logs));
        }
        finally { await Task.WhenAll(sender.Terminate(), receiver.Terminate()); }
    }

    [Fact]
    public void OnlyContractsAndAkkasOwnMessagesHaveASerializerAndJsonBytesNeverDeserialize()
    {
        using var sys = ClusterHost.Start(new NodeOptions { SystemName = "ser-config" });
        var ser = sys.Serialization;
        Assert.Equal(ContractSerializer.Id, ser.FindSerializerFor(new Ping(1)).Identifier);
        Assert.Equal(16, ser.FindSerializerFor(new Identify(1)).Identifier); // Akka.Remote's own (akka-misc)
        Assert.ThrowsAny<SerializationException>(() => ser.Serialize(new List<string> { "a" }));
        var json = "{\"$type\":\"System.Uri, System.Private.Uri\",\"OriginalString\":\"http://x\"}"u8.ToArray();
        Assert.Throws<SerializationException>(() => ser.Deserialize(json, RefuseJsonSerializer.Id, "System.Uri, System.Private.Uri"));
        Assert.Throws<SerializationException>(() => ser.Deserialize([1, 2, 3], RefuseRemoteDeploySerializer.Id, ""));
        Assert.Throws<SerializationException>(() => ser.Deserialize([1, 2, 3], ContractSerializer.Id, "no-such-manifest"));
    }
}
