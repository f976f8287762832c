using OrleansConfusion.Cli.Cluster;

namespace OrleansConfusion.Cli.Hosting;

/// <summary>Starts a one-silo cluster inside this process for `confusion run`.</summary>
public interface IEmbeddedClusterFactory
{
    /// <summary>False in a CLI built without the engine: `run` then refuses before it reads anything.</summary>
    bool IsAvailable => true;

    Task<ClusterSession> StartAsync(CancellationToken cancellationToken);
}
