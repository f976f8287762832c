using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansConfusion.Tests;

namespace OrleansConfusion.Grains.Tests.Security;

/// <summary>The trust rule both silos and the CLI apply to a TLS peer: its chain must end in the cluster CA, nothing else.</summary>
public sealed class ClusterCertificatesTests : IDisposable
{
    readonly TempDirectory _temp = new("oc-certs-");

    [Fact]
    public void A_certificate_issued_by_the_cluster_CA_is_trusted()
    {
        using var ca = Ca("cluster CA");
        var certificates = Write("me", ca, Leaf("me", ca));
        using var peer = Leaf("peer", ca);
        Assert.True(certificates.TryValidate(peer, null, out string reason), reason);
    }

    [Fact]
    public void A_certificate_from_another_CA_is_refused_with_the_chain_problem()
    {
        using var ca = Ca("cluster CA");
        using var other = Ca("other CA");
        var certificates = Write("me", ca, Leaf("me", ca));
        using var stranger = Leaf("stranger", other);
        Assert.False(certificates.TryValidate(stranger, null, out string reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void A_self_signed_certificate_is_refused()
    {
        using var ca = Ca("cluster CA");
        var certificates = Write("me", ca, Leaf("me", ca));
        using var self = Ca("me myself");
        Assert.False(certificates.TryValidate(self, null, out _));
    }

    [Fact]
    public void An_expired_certificate_from_the_cluster_CA_is_refused()
    {
        using var ca = Ca("cluster CA");
        var certificates = Write("me", ca, Leaf("me", ca));
        using var expired = Leaf("old", ca, notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        Assert.False(certificates.TryValidate(expired, null, out string reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Missing_files_and_a_key_that_does_not_match_are_named()
    {
        using var ca = Ca("cluster CA");
        string caPath = _temp.Write("ca.crt", ca.ExportCertificatePem());
        var e = Assert.Throws<ClusterCertificateException>(() => ClusterCertificates.Load(_temp.Combine("absent.crt"), _temp.Combine("absent.key"), caPath));
        Assert.Contains("absent.crt' does not exist", e.Message, StringComparison.Ordinal);

        using var mine = Leaf("me", ca);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string cert = _temp.Write("me.crt", mine.ExportCertificatePem());
        string key = _temp.Write("wrong.key", otherKey.ExportPkcs8PrivateKeyPem());
        e = Assert.Throws<ClusterCertificateException>(() => ClusterCertificates.Load(cert, key, caPath));
        Assert.Contains("wrong.key", e.Message, StringComparison.Ordinal);

        string emptyCa = _temp.Write("empty.crt", "no PEM here");
        e = Assert.Throws<ClusterCertificateException>(() => ClusterCertificates.Load(cert, _temp.Write("me.key", mine.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()), emptyCa));
        Assert.Contains("empty.crt", e.Message, StringComparison.Ordinal);
    }

    ClusterCertificates Write(string name, X509Certificate2 ca, X509Certificate2 leaf)
    {
        using (leaf)
        {
            return ClusterCertificates.Load(
                _temp.Write(name + ".crt", leaf.ExportCertificatePem()),
                _temp.Write(name + ".key", leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()),
                _temp.Write("ca-" + name + ".crt", ca.ExportCertificatePem()));
        }
    }

    static X509Certificate2 Ca(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(30));
    }

    static X509Certificate2 Leaf(string name, X509Certificate2 ca, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(10);
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-2), end, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    public void Dispose() => _temp.Dispose();
}
