using System.Net.Sockets;
using System.Text;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>Debian's redis-server on a free loopback port with <c>requirepass</c>, without persistence.</summary>
public sealed class PasswordRedis : IDisposable
{
    readonly ManagedProcess _process;

    PasswordRedis(int port, string password)
    {
        Port = port;
        Password = password;
        _process = new ManagedProcess("redis-server", RequiredTool.Find("redis-server"),
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", password]);
    }

    public int Port { get; }
    public string Password { get; }

    public static async Task<PasswordRedis> StartAsync()
    {
        var redis = new PasswordRedis(FreePort.Next(), "pw-" + Guid.NewGuid().ToString("N"));
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", redis.Port);
                return redis;
            }
            catch (SocketException)
            {
                if (redis._process.HasExited) break;
                await Task.Delay(100);
            }
        }

        redis.Dispose();
        Assert.Fail($"redis-server did not start.\n{redis._process.Tail()}");
        return redis;
    }

    /// <summary>Sends RESP commands on one fresh connection and returns each reply's first line ("+PONG", "-NOAUTH ...").</summary>
    public async Task<string[]> SendAsync(params string[][] commands)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var replies = new List<string>();
        foreach (var command in commands)
        {
            var request = new StringBuilder($"*{command.Length}\r\n");
            foreach (var part in command) request.Append($"${Encoding.ASCII.GetByteCount(part)}\r\n{part}\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            replies.Add(await reader.ReadLineAsync(timeout.Token) ?? "");
        }
        return [.. replies];
    }

    public void Dispose() => _process.Dispose();
}
