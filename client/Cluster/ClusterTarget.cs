namespace OrleansConfusion.Cli.Cluster;

/// <summary>The cluster a command talks to: its address and the Orleans service and cluster ids.</summary>
public sealed record ClusterTarget(ClusterAddress Address, string ServiceId, string ClusterId);
