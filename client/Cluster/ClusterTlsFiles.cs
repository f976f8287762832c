namespace OrleansConfusion.Cli.Cluster;

/// <summary>The PEM files the CLI presents to a TLS cluster: its certificate and key, and the cluster CA the gateway must chain to.</summary>
public sealed record ClusterTlsFiles(string CertificatePath, string KeyPath, string CaPath);
