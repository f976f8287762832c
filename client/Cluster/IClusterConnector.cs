namespace OrleansConfusion.Cli.Cluster;

/// <summary>Opens a client connection to a running cluster; an interface so tests can fake the cluster.</summary>
public interface IClusterConnector
{
    /// <exception cref="ClusterUnreachableException">Not connected within the timeout.</exception>
    Task<ClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken);
}
