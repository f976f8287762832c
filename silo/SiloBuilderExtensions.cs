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
    const string MembershipSection = SiloHostingOptions.SectionName + ":Membership";

    static bool MembershipTimingsAreUsable(ClusterMembershipOptions o) =>
        o.ProbeTimeout > TimeSpan.Zero && o.IAmAliveTablePublishTimeout > TimeSpan.Zero && o.TableRefreshTimeout > TimeSpan.Zero
        && o.NumMissedProbesLimit >= 1 && o.NumVotesForDeathDeclaration >= 1
        && o.DeathVoteExpirationTimeout > o.ProbeTimeout * o.NumMissedProbesLimit;

    public static ISiloBuilder UseConfiguredClustering(this ISiloBuilder silo, SiloHostingOptions options, string? redisConnectionString)
    {
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ServiceId = options.ServiceId;
            cluster.ClusterId = options.ClusterId;
        });

        // Silo:Membership:ProbeTimeout etc.: how fast a crashed or partitioned silo is declared dead and its
        // trials re-driven (docs/KUBERNETES.md has the production values). A misspelt key would otherwise be
        // ignored and leave a default of minutes in place, so unknown keys and unusable values stop the silo.
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Bind(silo.Configuration.GetSection(MembershipSection), o => o.ErrorOnUnknownConfiguration = true)
            .Validate(MembershipTimingsAreUsable, $"{MembershipSection}: ProbeTimeout, IAmAliveTablePublishTimeout, TableRefreshTimeout and " +
                "DeathVoteExpirationTimeout must be positive, NumMissedProbesLimit and NumVotesForDeathDeclaration at least 1, and " +
                "DeathVoteExpirationTimeout longer than ProbeTimeout x NumMissedProbesLimit (votes must outlive the probes that cast them)")
            .ValidateOnStart();

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
