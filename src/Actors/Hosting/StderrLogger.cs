using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace DeepTrain.Actors.Hosting;

/// <summary>
/// Akka's logger for DeepTrain nodes (cluster.hocon <c>akka.loggers</c>): one line per event on stderr, never stdout,
/// never a stack trace (the cause's type and message only). A peer that disconnects (a client that finished, a node
/// that left) is normal: Akka.Remote reports it as an ERROR "Disassociated" with a stack trace, plus a "gated" warning
/// and a socket error; those become one INFO line naming the peer.
/// </summary>
public sealed class StderrLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>Where lines go: stderr (tests may swap it).</summary>
    public static TextWriter Sink { get; set; } = Console.Error;

    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            if (Format(e) is { } line)
                lock (Sink) Sink.WriteLine(line);
        });
    }

    /// <summary>The line for an event, or null for a duplicate report of a peer disconnecting.</summary>
    public static string? Format(LogEvent e)
    {
        string message = OneLine(e.Message?.ToString() ?? "");
        string source = e.LogSource ?? "";
        // ClusterHost.Start turns a bind failure into the one line the user sees (address, port, reason).
        // Its echo when remoting then stops is dropped too; later, remoting stops only with its ActorSystem, which the
        // node reports itself (ClusterNode).
        if (message.StartsWith("Failed to bind", StringComparison.Ordinal)
            || message.StartsWith("Remoting system has been terminated abruptly", StringComparison.Ordinal)) return null;
        // A node that cannot reach its seed says so once itself (ClusterNode); Akka repeats it every few seconds.
        if (message.StartsWith("Couldn't join seed nodes after", StringComparison.Ordinal)
            || message.StartsWith("Tried to associate with unreachable remote address", StringComparison.Ordinal)) return null;
        if (IsPeerGone(e, message))
        {
            // The one report per departure is EndpointWriter's "Disassociated" error; drop its echoes.
            if (e is not Error || !message.StartsWith("Disassociated", StringComparison.Ordinal)) return null;
            return $"[INFO] {Stamp(e)} remoting: peer {Peer(source)} disconnected";
        }
        string level = e.LogLevel() switch
        {
            LogLevel.ErrorLevel => "ERROR", LogLevel.WarningLevel => "WARN", LogLevel.InfoLevel => "INFO", _ => "DEBUG",
        };
        string cause = e.Cause is { } c && !message.Contains(c.Message, StringComparison.Ordinal)
            ? $" ({c.GetType().Name}: {OneLine(c.Message)})" : "";
        return $"[{level}] {Stamp(e)} {ShortSource(source)}: {message}{cause}";
    }

    private static bool IsPeerGone(LogEvent e, string message)
    {
        for (var c = e.Cause; c is not null; c = c.InnerException)
            if (c.GetType().Name is "EndpointDisassociatedException" or "ShutDownAssociation") return true; // internal Akka.Remote types
        return message.StartsWith("Disassociated", StringComparison.Ordinal)
               || message.Contains("Reason is: [Akka.Remote.EndpointDisassociatedException", StringComparison.Ordinal)
               || message.Contains("Reason is: [Disassociated", StringComparison.Ordinal)
               || (message.StartsWith("Error caught channel", StringComparison.Ordinal) && e.Cause is System.Net.Sockets.SocketException);
    }

    private static string Stamp(LogEvent e) => e.Timestamp.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    private static string OneLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return (nl < 0 ? s : s[..nl]).Trim();
    }

    /// <summary>"akka://x/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Fdeeptrain%40127.0.0.1%3A4053-3" → "deeptrain@127.0.0.1:4053".</summary>
    internal static string Peer(string source)
    {
        var s = Uri.UnescapeDataString(source);
        int at = s.LastIndexOf("akka.tcp://", StringComparison.Ordinal);
        if (at < 0) return ShortSource(source);
        var peer = s[(at + "akka.tcp://".Length)..];
        int dash = peer.LastIndexOf('-');
        int colon = peer.LastIndexOf(':');
        return dash > colon && colon > 0 ? peer[..dash] : peer;
    }

    private static string ShortSource(string source)
    {
        int paren = source.IndexOf(" (", StringComparison.Ordinal);
        if (paren > 0) source = source[..paren];
        int slash = source.LastIndexOf('/');
        return slash < 0 || slash == source.Length - 1 ? source : source[(slash + 1)..];
    }
}
