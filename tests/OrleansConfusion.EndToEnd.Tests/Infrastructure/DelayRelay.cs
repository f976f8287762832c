using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A TCP relay that delivers every chunk it reads a fixed delay after reading it, in order, in both directions:
/// the latency of a slow link, for kernels without tc netem (see <see cref="NamespaceNetwork.DelayAsync"/>).
/// One listener per destination; each accepted connection dials that destination.
/// </summary>
public sealed class DelayRelay : IDisposable
{
    readonly string _address;
    readonly TimeSpan _delay;
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpListener> _listeners = [];
    long _relayedConnections;

    public DelayRelay(string address, TimeSpan delay)
    {
        _address = address;
        _delay = delay;
    }

    /// <summary>Connections relayed so far: proof that traffic went through the delay.</summary>
    public long RelayedConnections => Interlocked.Read(ref _relayedConnections);

    /// <summary>Listens on a free port of the relay's address for connections meant for the destination; returns the port.</summary>
    public int Listen(string destinationAddress, int destinationPort)
    {
        var listener = new TcpListener(IPAddress.Parse(_address), FreePort.Next());
        listener.Start();
        _listeners.Add(listener);
        _ = AcceptAsync(listener, destinationAddress, destinationPort);
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    async Task AcceptAsync(TcpListener listener, string address, int port)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(inbound, address, port);
        }
    }

    async Task RelayAsync(TcpClient inbound, string address, int port)
    {
        using var _in = inbound;
        using var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(address, port, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return;
        }

        Interlocked.Increment(ref _relayedConnections);
        inbound.NoDelay = outbound.NoDelay = true;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var a = PumpAsync(inbound.GetStream(), outbound.GetStream(), linked.Token);
        var b = PumpAsync(outbound.GetStream(), inbound.GetStream(), linked.Token);
        await Task.WhenAny(a, b);
        // One side closed or failed: close both, as a direct connection would end.
        await linked.CancelAsync();
        await Task.WhenAll(a, b).ContinueWith(_ => { });
    }

    /// <summary>Reads chunks as they come and writes each once its delay has passed, so delay does not cut throughput.</summary>
    async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken token)
    {
        var queue = Channel.CreateUnbounded<(DateTime Due, byte[] Data)>();
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var (due, data) in queue.Reader.ReadAllAsync(token))
                {
                    var wait = due - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, token);
                    await to.WriteAsync(data, token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
            finally
            {
                try
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // The other direction closed the connection first.
                }
            }
        }, token);
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, token)) > 0)
                queue.Writer.TryWrite((DateTime.UtcNow + _delay, buffer[..n]));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await writer.ContinueWith(_ => { });
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var l in _listeners) l.Stop();
        _stop.Dispose();
    }
}
