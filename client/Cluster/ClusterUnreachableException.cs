namespace OrleansConfusion.Cli.Cluster;

/// <summary>Connecting to the cluster failed or timed out; commands map it to exit code 3.</summary>
public sealed class ClusterUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
