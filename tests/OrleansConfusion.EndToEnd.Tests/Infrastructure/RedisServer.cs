using System.Net.Sockets;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>Debian's redis-server on a free loopback port, without persistence.</summary>
public sealed class RedisServer : IDisposable
{
    readonly ManagedProcess _process;

    RedisServer(int port)
    {
        Port = port;
        _process = new ManagedProcess("redis-server", RequiredTool.Find("redis-server"),
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
    }

    public int Port { get; }

    public static async Task<RedisServer> StartAsync()
    {
        var redis = new RedisServer(FreePort.Next());
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

    public void Dispose() => _process.Dispose();
}
