using OrleansConfusion.Cli.Cluster;

namespace OrleansConfusion.Cli.Hosting;

/// <summary>Starts a one-silo cluster inside this process for `confusion run`.</summary>
public interface IEmbeddedClusterFactory
{
    Task<ClusterSession> StartAsync(CancellationToken cancellationToken);
}
