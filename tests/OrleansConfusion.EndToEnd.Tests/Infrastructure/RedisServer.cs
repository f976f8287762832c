using System.Net.Sockets;
using System.Text;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>Debian's redis-server on a free loopback port, without persistence; with <c>requirepass</c> when given a password.</summary>
public sealed class RedisServer : IDisposable
{
    readonly ManagedProcess _process;

    RedisServer(int port, string? password)
    {
        Port = port;
        Password = password;
        string[] args = ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
        _process = new ManagedProcess("redis-server", RequiredTool.Find("redis-server"), password is null ? args : [.. args, "--requirepass", password]);
    }

    public int Port { get; }

    /// <summary>The password clients must give (AUTH), or null for an open server.</summary>
    public string? Password { get; }

    public static Task<RedisServer> StartAsync() => StartAsync(FreePort.Next(), null);

    /// <summary>A fresh, empty server on <paramref name="port"/>: a Redis without persistence restarted after a crash.</summary>
    public static Task<RedisServer> StartOnAsync(int port) => StartAsync(port, null);

    /// <summary>A server that refuses every command until AUTH with a fresh random password.</summary>
    public static Task<RedisServer> StartWithPasswordAsync() => StartAsync(FreePort.Next(), "pw-" + Guid.NewGuid().ToString("N"));

    public void Kill() => _process.Kill();

    static async Task<RedisServer> StartAsync(int port, string? password)
    {
        var redis = new RedisServer(port, password);
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
