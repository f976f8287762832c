using OrleansConfusion.Tests;

namespace OrleansConfusion.Cli.Tests;

/// <summary>The CLI's TLS and Redis-password options: checked before any connection, each mistake named (exit 2).</summary>
public sealed class TlsOptionTests : IDisposable
{
    readonly TempDirectory _temp = new("oc-cli-tls-");

    [Theory]
    [InlineData("--tls-cert", "--tls-key (or $CONFUSION_TLS_KEY), --tls-ca (or $CONFUSION_TLS_CA)")]
    [InlineData("--tls-key", "--tls-cert (or $CONFUSION_TLS_CERT), --tls-ca (or $CONFUSION_TLS_CA)")]
    public async Task A_partial_set_of_tls_files_is_bad_input_naming_what_is_missing(string given, string missing)
    {
        var cli = new CliHarness();
        int code = await cli.InvokeAsync("status", "x", "--cluster", "localhost:1", given, _temp.Write("f.pem", "x"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("missing " + missing, cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_file_that_does_not_exist_is_bad_input_naming_it()
    {
        var cli = new CliHarness();
        string absent = _temp.Combine("absent.crt");
        int code = await cli.InvokeAsync("status", "x", "--cluster", "localhost:1",
            "--tls-cert", absent, "--tls-key", _temp.Write("k.pem", "x"), "--tls-ca", _temp.Write("ca.pem", "x"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"--tls-cert: file '{absent}' does not exist", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_file_that_is_not_pem_is_bad_input_naming_it_before_any_connection()
    {
        var cli = new CliHarness();
        string cert = _temp.Write("c.pem", "not a certificate");
        int code = await cli.InvokeAsync("status", "x", "--cluster", "localhost:1",
            "--tls-cert", cert, "--tls-key", _temp.Write("k.pem", "x"), "--tls-ca", _temp.Write("ca.pem", "x"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"certificate '{cert}'", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redis_password_for_a_localhost_cluster_is_bad_input()
    {
        var cli = new CliHarness();
        int code = await cli.InvokeAsync("status", "x", "--cluster", "localhost:1", "--redis-password", "p");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--redis-password", cli.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo-gateway:30000", "Gateway", "silo-gateway", 30000)]
    [InlineData("silo-gateway", "Gateway", "silo-gateway", 30000)]
    [InlineData("localhost:30001", "Localhost", "localhost", 30001)]
    [InlineData("redis://redis", "Redis", "redis", 6379)]
    public void A_cluster_address_names_a_gateway_a_localhost_silo_or_a_redis(string text, string kind, string host, int port)
    {
        Assert.True(Cluster.ClusterAddress.TryParse(text, out var address, out string error), error);
        Assert.Equal((kind, host, port), (address.Kind.ToString(), address.Host, address.Port));
    }

    public void Dispose() => _temp.Dispose();
}
