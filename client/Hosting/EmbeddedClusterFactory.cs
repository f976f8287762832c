#if WITH_ENGINE
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Grains;

namespace OrleansConfusion.Cli.Hosting;

/// <summary>
/// A silo and its co-hosted client in one generic host, on free loopback ports so several `run`s (or a
/// running dev cluster on 11111/30000) never collide. Grain state lives in memory and dies with the
/// process; a rerun still resumes because the coordinator reads the finished trials back from the
/// sweep's trials/ parts.
/// </summary>
public sealed class EmbeddedClusterFactory : IEmbeddedClusterFactory
{
    /// <summary>Applied after the defaults (the bench times the trainer through it); null for none.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; init; }

    public async Task<ClusterSession> StartAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        int siloPort = FreePort(), gatewayPort = FreePort();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: "orleansconfusion-embedded", clusterId: $"run-{Environment.ProcessId}")
                // One storage grain, not the default ten: one process has nothing to spread, and the silo's
                // warm-up then activates the one every sweep uses.
                .AddMemoryGrainStorage(StorageNames.Sweeps, o => o.NumStorageGrains = 1)
                .UseInMemoryReminderService()
                .AddOrleansConfusion();
            // `run` writes for the user who started it, on their own machine: any path they give is theirs to use.
            silo.Services.Configure<ParquetSinkOptions>(o => o.ConfineToBase = false);
            ConfigureSilo?.Invoke(silo);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new ClusterSession(host.Services.GetRequiredService<IClusterClient>(), host);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
#endif
