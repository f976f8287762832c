namespace OrleansConfusion.Silo;

/// <summary>
/// The "Silo:Tls" section. With <see cref="TlsMode.Mutual"/> the three files are PEM, as a Kubernetes Secret of
/// type kubernetes.io/tls (plus ca.crt, as cert-manager writes it) mounts them.
/// </summary>
public sealed class SiloTlsOptions
{
    /// <summary>
    /// Unset: <see cref="TlsMode.None"/> with localhost clustering (a development default on loopback) and a
    /// start-up error with Redis clustering, where plaintext must be asked for.
    /// </summary>
    public TlsMode? Mode { get; set; }

    /// <summary>This silo's certificate (tls.crt). It serves both as server and as client certificate, so its
    /// extended key usage must allow both (serverAuth, clientAuth) if it has one.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Its private key (tls.key), PKCS#8 or PKCS#1 PEM, unencrypted.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The cluster CA (ca.crt): every peer, silo or client, must chain to it.</summary>
    public string? CaPath { get; set; }
}
