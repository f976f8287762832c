using OrleansConfusion.EndToEnd.Tests.Infrastructure;
using OrleansConfusion.Tests;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>
/// A throwaway CA and certificates made by openssl through scripts/dev-certs.sh (the script local-cluster.sh --tls
/// uses), so the tests exercise the same material a developer gets. Each instance is its own CA.
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    readonly TempDirectory _dir = new("oc-tls-");

    TlsMaterial() { }

    public string Ca => _dir.Combine("ca.crt");
    public string Cert(string name) => _dir.Combine(name + ".crt");
    public string Key(string name) => _dir.Combine(name + ".key");

    /// <summary>Runs the script for a new CA and one certificate per name.</summary>
    public static async Task<TlsMaterial> CreateAsync(params string[] names)
    {
        RequiredTool.Find("openssl");
        var material = new TlsMaterial();
        using var script = new ManagedProcess("dev-certs.sh", "bash", [RepoPaths.File("scripts", "dev-certs.sh"), material._dir.Path, .. names]);
        int code = await script.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"dev-certs.sh exited {code}\n{script.Tail()}");
        foreach (var name in names) Assert.True(File.Exists(material.Cert(name)) && File.Exists(material.Key(name)), $"no certificate for {name}");
        return material;
    }

    /// <summary>Silo:Tls:* for a silo presenting <paramref name="name"/>'s certificate and trusting <paramref name="trust"/>'s CA (this one by default).</summary>
    public Dictionary<string, string> SiloEnv(string name, TlsMaterial? trust = null) => new()
    {
        ["Silo__Tls__Mode"] = "Mutual",
        ["Silo__Tls__CertificatePath"] = Cert(name),
        ["Silo__Tls__KeyPath"] = Key(name),
        ["Silo__Tls__CaPath"] = (trust ?? this).Ca,
    };

    /// <summary>The CLI's CONFUSION_TLS_* for <paramref name="name"/>'s certificate, trusting <paramref name="trust"/>'s CA (this one by default).</summary>
    public Dictionary<string, string> CliEnv(string name, TlsMaterial? trust = null) => new()
    {
        ["CONFUSION_TLS_CERT"] = Cert(name),
        ["CONFUSION_TLS_KEY"] = Key(name),
        ["CONFUSION_TLS_CA"] = (trust ?? this).Ca,
    };

    public void Dispose() => _dir.Dispose();
}
