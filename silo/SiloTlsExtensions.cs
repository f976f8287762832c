using OrleansConfusion.Grains;

namespace OrleansConfusion.Silo;

/// <summary>Applies <see cref="SiloTlsOptions"/>: mutual TLS on every Orleans connection, or an explicit choice of plaintext.</summary>
public static class SiloTlsExtensions
{
    public static ISiloBuilder UseConfiguredTls(this ISiloBuilder silo, SiloHostingOptions options)
    {
        var tls = options.Tls;
        var mode = tls.Mode ?? (options.Clustering == ClusteringMode.Localhost
            ? TlsMode.None
            : throw new InvalidOperationException(
                "Silo:Tls:Mode is not set. A clustered silo must choose: Mutual (with Silo:Tls:CertificatePath, KeyPath and CaPath, " +
                "PEM files) to secure its connections, or None to run in plaintext (anyone who reaches its ports can then join or call it)."));
        if (mode == TlsMode.None) return silo;

        ClusterCertificates certificates;
        try
        {
            certificates = ClusterCertificates.Load(tls.CertificatePath ?? "", tls.KeyPath ?? "", tls.CaPath ?? "");
        }
        catch (ClusterCertificateException e)
        {
            throw new InvalidOperationException($"Silo:Tls:Mode is Mutual but {e.Message} (Silo:Tls:CertificatePath, KeyPath, CaPath)", e);
        }
        // Silo-to-silo both ways and the gateway: Orleans applies these options to all three.
        return silo.UseTls(certificates.Certificate, certificates.Configure);
    }
}
