using System.Net.Sockets;
using System.Text;

namespace OrleansConfusion.Cli.Cluster;

/// <summary>
/// Asks a Redis whether it takes this client's password: one AUTH (or PING without a password) in RESP. Used when
/// a connection through Redis failed without saying why (a timeout on a busy machine hides StackExchange.Redis'
/// own authentication error).
/// </summary>
public static class RedisAuthProbe
{
    /// <summary>"-NOAUTH …" or "-WRONGPASS …" when Redis refuses; null when it accepts or cannot be asked.</summary>
    public static async Task<string?> RefusalAsync(string host, int port, string? password, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host, port, cts.Token);
            await using var stream = tcp.GetStream();
            string[] command = password is null ? ["PING"] : ["AUTH", password];
            var request = new StringBuilder($"*{command.Length}\r\n");
            foreach (var part in command) request.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cts.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? reply = await reader.ReadLineAsync(cts.Token);
            return reply is not null && (reply.StartsWith("-NOAUTH", StringComparison.Ordinal) || reply.StartsWith("-WRONGPASS", StringComparison.Ordinal))
                ? reply[1..]
                : null;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
