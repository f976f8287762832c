using OrleansConfusion.Cli.Cluster;

namespace OrleansConfusion.Cli.Hosting;

/// <summary>
/// `run` in a CLI built without the engine (<c>-p:WithEngine=false</c>): there is no silo to host, so it says why and
/// what to do instead, before anything is started or written.
/// </summary>
public sealed class NoEngineClusterFactory : IEmbeddedClusterFactory
{
    public const string Message =
        "this confusion was built without the engine (-p:WithEngine=false), so `run` cannot train in this process; " +
        "submit the spec to a cluster (`confusion submit SPEC --cluster ...`), or use a build with the engine";

    public bool IsAvailable => false;

    public Task<ClusterSession> StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException(Message);
}
