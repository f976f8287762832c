namespace OrleansConfusion.Cli.Cluster;

public enum ClusterKind
{
    /// <summary>localhost[:gatewayPort]: a development silo on loopback.</summary>
    Localhost,

    /// <summary>redis://host[:port]: gateways read from the Redis membership table.</summary>
    Redis,

    /// <summary>
    /// host[:gatewayPort]: one gateway address, such as a Kubernetes Service in front of the silos' gateway ports.
    /// The client needs no access to Redis then, which a NetworkPolicy can keep for silos alone.
    /// </summary>
    Gateway,
}
