using System.Net;
using Orleans.Configuration;
using OrleansConfusion.Grains;
using StackExchange.Redis;

namespace OrleansConfusion.Silo;

/// <summary>
/// Chooses clustering, the grain storage the grains persist to (<see cref="StorageNames.Sweeps"/>) and
/// the reminder service their watchdog needs, from <see cref="SiloHostingOptions"/>.
/// </summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder UseConfiguredClustering(this ISiloBuilder silo, SiloHostingOptions options, string? redisConnectionString)
    {
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ServiceId = options.ServiceId;
            cluster.ClusterId = options.ClusterId;
        });

        // Silo:Membership:ProbeTimeout etc.: how fast a crashed silo is declared dead and its trials re-driven.
        silo.Configure<ClusterMembershipOptions>(silo.Configuration.GetSection($"{SiloHostingOptions.SectionName}:Membership"));

        // Kubernetes sets POD_NAME (downward API); environment variables are part of configuration.
        var inKubernetes = !string.IsNullOrEmpty(silo.Configuration[SiloHostingOptions.PodNameVariable]);

        switch (options.Clustering)
        {
            case ClusteringMode.Localhost:
                silo.UseLocalhostClustering(
                        options.SiloPort,
                        options.GatewayPort,
                        new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort),
                        options.ServiceId,
                        options.ClusterId)
                    .AddMemoryGrainStorage(StorageNames.Sweeps)
                    .UseInMemoryReminderService();
                break;

            case ClusteringMode.Redis:
                if (string.IsNullOrWhiteSpace(redisConnectionString))
                {
                    throw new InvalidOperationException(
                        "Silo:Clustering is Redis but ConnectionStrings:Redis is empty (set ConnectionStrings__Redis=host:6379).");
                }

                var redis = ConfigurationOptions.Parse(redisConnectionString);
                if (!string.IsNullOrEmpty(options.RedisPassword)) redis.Password = options.RedisPassword;
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone())
                    // Grain state goes through Orleans' own codec (AddOrleansConfusion makes it the default).
                    .AddRedisGrainStorage(StorageNames.Sweeps, o => o.ConfigurationOptions = redis.Clone())
                    .UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());

                // In Kubernetes, UseKubernetesHosting advertises the pod IP instead.
                if (!inKubernetes)
                {
                    silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedIPAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
                }

                break;

            default:
                throw new InvalidOperationException($"Silo:Clustering '{options.Clustering}' is not Localhost or Redis.");
        }

        if (inKubernetes)
        {
            // Names the silo after the pod, advertises POD_IP and removes silos whose pods are gone.
            silo.UseKubernetesHosting();
        }

        return silo;
    }
}
