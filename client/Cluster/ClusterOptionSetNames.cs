namespace OrleansConfusion.Cli.Cluster;

/// <summary>The environment variables of the TLS options, for messages written outside the option set.</summary>
internal static class ClusterOptionSetNames
{
    public const string Variables = "$" + Commands.ClusterOptionSet.TlsCertVariable + ", $" + Commands.ClusterOptionSet.TlsKeyVariable +
                                    ", $" + Commands.ClusterOptionSet.TlsCaVariable;
}
