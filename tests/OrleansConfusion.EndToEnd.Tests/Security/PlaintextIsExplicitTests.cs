using OrleansConfusion.EndToEnd.Tests.Infrastructure;
using OrleansConfusion.Tests;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>
/// Plaintext stays possible, but a clustered silo must ask for it (Silo:Tls:Mode=None); and a client that
/// expects TLS is told when the cluster has none.
/// </summary>
[Trait("Category", "Security")]
public sealed class PlaintextIsExplicitTests : IDisposable
{
    readonly TempDirectory _dir = new("oc-sec-plain-");

    [Fact]
    public async Task A_redis_clustered_silo_without_a_tls_mode_refuses_to_start_and_says_what_to_set()
    {
        using var redis = await RedisServer.StartAsync();
        using var silo = RawSilo.StartRedis("no-mode", redis.Port, _dir.Path, []);
        int code = await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, code);
        Assert.Contains("Silo:Tls:Mode is not set", silo.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_client_against_a_plaintext_silo_is_told_the_gateway_has_no_tls()
    {
        using var tls = await TlsMaterial.CreateAsync("client");
        // Localhost clustering: plaintext by default, on loopback only.
        using var silo = await SiloProcess.StartLocalhostAsync(_dir.Path, new Dictionary<string, string>());
        // Two minutes only catch a hang; a fast refusal is one that names the missing TLS, not the connect budget running out.
        var (code, output) = await SecureCli.RunAsync(TimeSpan.FromMinutes(2), tls.CliEnv("client"),
            "status", "any", "--cluster", $"localhost:{silo.GatewayPort}");
        Assert.True(code == 3, $"exit {code}\n{output}");
        Assert.DoesNotContain("no answer within", output, StringComparison.Ordinal);
        Assert.Contains("did not answer a TLS handshake", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
