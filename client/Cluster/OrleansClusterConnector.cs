using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains;

namespace OrleansConfusion.Cli.Cluster;

/// <summary>
/// Starts an Orleans client host for localhost or Redis clustering. The client gets no connection
/// retries and the whole start is bounded by <see cref="ConnectTimeout"/>, so an unreachable cluster is
/// reported in seconds with its address instead of a silent hang.
/// </summary>
public sealed class OrleansClusterConnector : IClusterConnector
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public async Task<ClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Orleans logs connection failures as warnings with stack traces; the CLI reports them itself.
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            var address = target.Address;
            if (address.Kind == ClusterKind.Redis)
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (target.ServiceId, target.ClusterId));
                client.UseRedisClustering($"{address.Host}:{address.Port},connectTimeout=5000,abortConnect=true");
            }
            else
            {
                client.UseLocalhostClustering(address.Port, target.ServiceId, target.ClusterId);
            }
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            client.AddOrleansConfusionClient();
        });
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token).WaitAsync(timeout.Token);
            return new ClusterSession(host.Services.GetRequiredService<IClusterClient>(), host);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            string why = e is OperationCanceledException ? $"no answer within {ConnectTimeout.TotalSeconds:0} s" : e.GetBaseException().Message;
            throw new ClusterUnreachableException($"cannot reach the cluster at {target.Address} (service '{target.ServiceId}', cluster '{target.ClusterId}'): {why}", e);
        }
    }
}
