namespace OrleansConfusion.Cli.Cluster;

/// <summary>
/// The cluster a command talks to: its address, the Orleans service and cluster ids, the TLS files when the
/// cluster requires mutual TLS (null: plaintext), and the Redis password when membership is in a Redis that asks for one.
/// </summary>
public sealed record ClusterTarget(ClusterAddress Address, string ServiceId, string ClusterId, ClusterTlsFiles? Tls = null, string? RedisPassword = null);
