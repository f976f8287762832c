using System.Net;
using System.Net.Sockets;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Loopback ports for the servers the tests start. A port is picked before the server binds it, so two
/// things can take it in between: another pick in this process, and the kernel handing it out as the
/// source port of an outgoing connection (a CLI reaching a gateway, Prometheus scraping). The first is
/// ruled out by never handing out a port twice per test process. The second is ruled out by picking
/// below the kernel's ephemeral range (ip_local_port_range, 32768–60999 on Debian), which port-0
/// binds and outgoing connections draw from.
/// </summary>
public static class FreePort
{
    const int First = 20_000;
    static readonly int End = Math.Min(EphemeralStart(), 32_768);
    static readonly HashSet<int> Given = [];
    static readonly Random Random = new();

    /// <summary>A loopback port nobody listens on now and that this process has not handed out before.</summary>
    public static int Next()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                int port = Random.Next(First, End);
                if (!Given.Add(port)) continue;
                if (CanBind(port)) return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port in [{First}, {End})");
    }

    static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static int EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
