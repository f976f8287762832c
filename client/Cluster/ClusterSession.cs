using Microsoft.Extensions.Hosting;

namespace OrleansConfusion.Cli.Cluster;

/// <summary>A connected client and the host that owns it; disposing stops the host.</summary>
public sealed class ClusterSession(IClusterClient client, IHost? host) : IAsyncDisposable
{
    public IClusterClient Client { get; } = client;

    public async ValueTask DisposeAsync()
    {
        if (host is null) return;
        // Stopping a client whose gateway died can wait on its own timeouts; cap it so exit stays prompt.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await host.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        host.Dispose();
    }
}
