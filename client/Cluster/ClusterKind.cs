namespace OrleansConfusion.Cli.Cluster;

public enum ClusterKind
{
    Localhost,
    Redis,
}
