using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Serialization;

namespace DeepTrain.Tests.Actors;

/// <summary>Bytes a hostile or buggy peer might put on the wire under our serializer id.</summary>
public sealed record Garbage(string Manifest, byte[] Bytes);

/// <summary>Sender-side stand-in for <see cref="ContractSerializer"/> that can also emit garbage under its id.</summary>
public sealed class EvilSerializer(ExtendedActorSystem system) : Akka.Serialization.SerializerWithStringManifest(system)
{
    private readonly ContractSerializer _real = new(system);
    public override int Identifier => ContractSerializer.Id;
    public override string Manifest(object o) => o is Garbage g ? g.Manifest : _real.Manifest(o);
    public override byte[] ToBinary(object o) => o is Garbage g ? g.Bytes : _real.ToBinary(o);
    public override object FromBinary(byte[] bytes, string manifest) => _real.FromBinary(bytes, manifest);
}

public sealed class Echo : ReceiveActor
{
    public Echo() => Receive<Ping>(p => Sender.Tell(new Pong(p.Nonce, Self.Path.Address.ToString())));
}

public sealed class WireTests() : TestKit(ClusterHost.BuildConfig(new NodeOptions { SystemName = "sender", ExtraHocon = """
    akka.actor.serializers.deeptrain = "DeepTrain.Tests.Actors.EvilSerializer, DeepTrain.Tests"
    akka.actor.serialization-bindings { "DeepTrain.Tests.Actors.Garbage, DeepTrain.Tests" = deeptrain }
    akka.actor.serialization-identifiers { "DeepTrain.Tests.Actors.EvilSerializer, DeepTrain.Tests" = 4711 }
    """ }), "sender")
{
    [Fact]
    public async Task MalformedMessageOnTheWireIsLoggedAndDroppedAndTheNodeKeepsServing()
    {
        using var receiver = ClusterHost.Start(new NodeOptions { SystemName = "receiver" });
        try
        {
            var logs = CreateTestProbe(receiver);
            receiver.EventStream.Subscribe(logs.Ref, typeof(LogEvent));
            receiver.ActorOf(Props.Create(() => new Echo()), "echo");
            var addr = ((ExtendedActorSystem)receiver).Provider.DefaultAddress;
            var echo = Sys.ActorSelection(new RootActorPath(addr) / "user" / "echo");

            echo.Tell(new Ping(1), TestActor);
            ExpectMsg<Pong>(p => p.Nonce == 1, TimeSpan.FromSeconds(10));

            echo.Tell(new Garbage("ep", [0xc1, 0xff, 0x13]), TestActor); // known manifest, malformed bytes
            echo.Tell(new Garbage("zz", [1, 2, 3]), TestActor);          // unknown manifest
            logs.FishForMessage(m => m is LogEvent e && e.Message?.ToString()?.Contains("dropped") == true
                                     || m is LogEvent e2 && e2.Cause?.ToString().Contains("DeepTrain contract") == true,
                TimeSpan.FromSeconds(10));

            echo.Tell(new Ping(2), TestActor);
            ExpectMsg<Pong>(p => p.Nonce == 2, TimeSpan.FromSeconds(10));
        }
        finally { await receiver.Terminate().WaitAsync(TimeSpan.FromSeconds(10)); }
    }
}
