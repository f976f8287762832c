namespace OrleansConfusion.Sweeps;

/// <summary>A TLS certificate, key or CA file is missing or unusable; the message names the file.</summary>
public sealed class ClusterCertificateException(string message, Exception? inner = null) : Exception(message, inner);
