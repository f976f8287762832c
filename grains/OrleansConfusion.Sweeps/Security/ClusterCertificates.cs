using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The certificate, key and CA that secure every Orleans connection of this cluster with mutual TLS, read
/// from PEM files (what a Kubernetes Secret of type kubernetes.io/tls mounts: tls.crt, tls.key, ca.crt).
/// A peer is trusted when its certificate chains to <see cref="Authority"/> and nothing else: the system's
/// roots are not consulted, and host names are not checked, since silos dial each other by pod IP.
/// Silos and the CLI share this class, so both ends apply one rule.
/// </summary>
public sealed class ClusterCertificates
{
    ClusterCertificates(X509Certificate2 certificate, X509Certificate2Collection authority, string certificatePath, string caPath)
    {
        Certificate = certificate;
        Authority = authority;
        CertificatePath = certificatePath;
        CaPath = caPath;
    }

    /// <summary>This process's own certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificates a peer's chain must end in.</summary>
    public X509Certificate2Collection Authority { get; }

    public string CertificatePath { get; }
    public string CaPath { get; }

    /// <summary>
    /// Reads the three PEM files. A missing or unreadable file, a key that does not match the certificate, or a
    /// CA file without a certificate throws <see cref="ClusterCertificateException"/> naming the file and what is wrong.
    /// </summary>
    public static ClusterCertificates Load(string certificatePath, string keyPath, string caPath)
    {
        RequireFile(certificatePath, "certificate");
        RequireFile(keyPath, "private key");
        RequireFile(caPath, "CA certificate");
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        // A key that belongs to another certificate is an ArgumentException, an unreadable file a CryptographicException.
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ClusterCertificateException($"certificate '{certificatePath}' with key '{keyPath}' cannot be loaded: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new ClusterCertificateException($"key '{keyPath}' holds no private key for certificate '{certificatePath}'");

        var authority = new X509Certificate2Collection();
        try
        {
            authority.ImportFromPemFile(caPath);
        }
        catch (CryptographicException e)
        {
            throw new ClusterCertificateException($"CA certificate '{caPath}' cannot be read: {e.Message}", e);
        }
        if (authority.Count == 0)
            throw new ClusterCertificateException($"CA certificate '{caPath}' holds no PEM certificate");
        return new ClusterCertificates(certificate, authority, certificatePath, caPath);
    }

    /// <summary>
    /// Mutual TLS as Orleans applies it on each connection: present <see cref="Certificate"/>, require the
    /// peer's, and accept it only when <see cref="TryValidate"/> does. Applied to silo-to-silo (both
    /// directions) and gateway connections on a silo, and to gateway connections on a client.
    /// </summary>
    public void Configure(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Fail at start, not silently per connection, when our own certificate cannot authenticate a client.
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, chain, _) => TryValidate(certificate, chain, out string _);
        // Always present it when a peer asks, even if the peer lists other CAs as acceptable (SslStream would then
        // send none): the peer's refusal of a wrong certificate is clearer than a missing one.
        options.LocalClientCertificateSelector = (_, _, _, _, _) => Certificate;
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to <see cref="Authority"/> (custom root trust: the
    /// system store plays no part) and is within its validity period; otherwise the reason.
    /// The policy errors SslStream computed are ignored on purpose: they judge against the system roots
    /// and the host name, neither of which this cluster uses.
    /// </summary>
    public bool TryValidate(X509Certificate2 certificate, X509Chain? presented, out string reason)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authority);
        // A throwaway or private CA publishes no revocation list; revocation is rotation of the CA or the cert.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        // Intermediates the peer sent may complete the chain; they are not trusted by being sent.
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (!element.Certificate.Equals(certificate)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(certificate))
        {
            reason = "";
            return true;
        }
        reason = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        if (reason.Length == 0) reason = "it does not chain to the cluster CA";
        return false;
    }

    /// <summary>"CN=silo (issued by CN=OrleansConfusion CA)", for messages.</summary>
    public static string Describe(X509Certificate certificate) => $"'{certificate.Subject}' (issued by '{certificate.Issuer}')";

    static void RequireFile(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ClusterCertificateException($"no {what} file given");
        if (!File.Exists(path)) throw new ClusterCertificateException($"{what} file '{path}' does not exist");
    }
}
