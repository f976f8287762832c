using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>
/// Issue 12: every Orleans connection of a clustered deployment is mutual TLS against one CA, and Redis asks
/// for a password. Real silo processes, real certificates from openssl, a real redis-server with requirepass.
/// </summary>
[Trait("Category", "Security")]
public sealed class TlsClusterTests(TlsClusterFixture cluster) : IClassFixture<TlsClusterFixture>
{
    // A bound that only a hang reaches: a fresh CLI process (dotnet start, JIT) on a loaded 2-core machine can take many
    // seconds, so the wall time of a refusal says nothing about the CLI. What the refusal tests assert instead is what a
    // fast refusal is: the diagnosis of the handshake, not the CLI's connect budget running out (NoTimeout).
    static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The CLI refused for the reason it names, not after waiting out its connect budget ("no answer within 10 s").</summary>
    static void NoTimeout(string output) => Assert.DoesNotContain("no answer within", output, StringComparison.Ordinal);

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_with_exit_3_saying_it_gave_none()
    {
        var (code, output) = await SecureCli.RunAsync(CliTimeout, cluster.CliEnv(null), "status", "any", "--cluster", cluster.Cluster);
        Assert.True(code == 3, $"exit {code}\n{output}");
        NoTimeout(output);
        Assert.Contains("requires mutual TLS", output, StringComparison.Ordinal);
        Assert.Contains("gave no certificate", output, StringComparison.Ordinal);
        Assert.Contains("--tls-cert", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_certificate_from_another_CA_is_refused_with_exit_3_naming_that_certificate()
    {
        // The stranger trusts the cluster's CA, so only its own certificate can be what fails.
        var (code, output) = await SecureCli.RunAsync(CliTimeout, cluster.CliEnv(cluster.Stranger, trust: cluster.Authority),
            "status", "any", "--cluster", cluster.Cluster);
        Assert.True(code == 3, $"exit {code}\n{output}");
        NoTimeout(output);
        Assert.Contains("rejected the client certificate 'CN=client'", output, StringComparison.Ordinal);
        Assert.Contains(cluster.Stranger.Cert("client"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_cluster_CA_rejects_the_gateway_certificate_with_exit_3()
    {
        var (code, output) = await SecureCli.RunAsync(CliTimeout, cluster.CliEnv(cluster.Authority, trust: cluster.Stranger),
            "status", "any", "--cluster", cluster.Cluster);
        Assert.True(code == 3, $"exit {code}\n{output}");
        NoTimeout(output);
        Assert.Contains("the gateway's certificate 'CN=silo", output, StringComparison.Ordinal);
        Assert.Contains(cluster.Stranger.Ca, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_with_the_right_certificate_submits_and_watches_a_sweep_to_completion()
    {
        const string name = "sec-tls-sweep";
        var env = cluster.CliEnv(cluster.Authority);
        var spec = SweepSpecs.Write(cluster.Dir.Path, name, [8, 16]);
        var (code, output) = await SecureCli.RunAsync(CliTimeout, env, "submit", spec, "--cluster", cluster.Cluster, "--out", "runs");
        Assert.True(code == 0, $"submit exit {code}\n{output}\n{cluster.Tails()}");
        (code, output) = await SecureCli.RunAsync(TimeSpan.FromMinutes(4), env, "watch", name, "--cluster", cluster.Cluster, "--json");
        Assert.True(code == 0, $"watch exit {code}\n{output}\n{cluster.Tails()}");
        Assert.True(DatasetFiles.Of(Path.Combine(cluster.Base, "runs", name), DatasetLayout.Trials).Count > 0, $"no trials/ part under the base\n{output}");
        Assert.True(DatasetFiles.Of(Path.Combine(cluster.Base, "runs", name), DatasetLayout.Metrics).Count > 0, $"no metrics/ part under the base\n{output}");
    }

    [Fact]
    public async Task A_silo_with_a_certificate_from_another_CA_cannot_join_the_cluster()
    {
        // The rogue trusts the cluster's CA and knows the Redis password: all it lacks is a certificate the cluster trusts.
        var env = cluster.CommonSiloEnv();
        foreach (var (k, v) in cluster.Stranger.SiloEnv("rogue", trust: cluster.Authority)) env[k] = v;
        // The cluster's log from here on: the client tests of this class made it refuse handshakes before.
        var marks = cluster.Silos.Select(s => s.Process.Lines).ToList();
        using var rogue = RawSilo.StartRedis("rogue", cluster.Redis.Port, cluster.Dir.Path, env);

        // Long enough for a joining silo to be voted in (the good ones join in a few seconds here).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (DateTime.UtcNow < deadline && !rogue.Process.HasExited)
        {
            Assert.False(await rogue.IsReadyAsync(), $"the rogue silo became an active member\n{rogue.Process.Tail(40)}");
            await Task.Delay(500);
        }

        // Kept out for its certificate, and for nothing else (a rogue that crashed on a bad setting or a Redis refusal
        // would pass "did not join" too). The rogue's side: no silo of the cluster answered it ...
        string rogueLog = rogue.Process.Output;
        Assert.True(rogueLog.Contains("Successfully contacted: []", StringComparison.Ordinal),
            $"the rogue never reported that no silo of the cluster answered it\n{rogue.Process.Tail(60)}");
        // ... and if it stopped, it stopped because the cluster declared it dead (it could not be reached), with a failing code.
        if (rogue.Process.HasExited)
        {
            Assert.True(rogue.Process.ExitCode != 0, rogue.Process.Tail(40));
            Assert.True(rogueLog.Contains("I have been told I am dead", StringComparison.Ordinal),
                $"the rogue stopped, but not because the cluster declared it dead\n{rogue.Process.Tail(60)}");
        }
        // The cluster's side, since the rogue came: TLS refusals of a certificate, and its own connections to the rogue's
        // silo port failing.
        var since = cluster.Silos.Select((s, i) => s.Process.OutputSince(marks[i])).ToList();
        Assert.True(since.Any(log => log.Contains(RejectedCertificate, StringComparison.Ordinal)),
            $"no silo refused a certificate while the rogue tried to join\n{rogue.Process.Tail(40)}\n{cluster.Tails()}");
        string toRogue = $"Connection attempt to endpoint S127.0.0.1:{rogue.SiloPort}:";
        Assert.True(since.Any(log => log.Contains(toRogue, StringComparison.Ordinal)),
            $"no silo of the cluster failed to connect to the rogue's port {rogue.SiloPort}\n{cluster.Tails()}");

        // The cluster itself still serves an authenticated client, with its two silos only.
        var (code, output) = await SecureCli.RunAsync(CliTimeout, cluster.CliEnv(cluster.Authority), "status", "no-such-sweep", "--cluster", cluster.Cluster);
        Assert.True(code == 2 && output.Contains("not known", StringComparison.Ordinal), $"exit {code}\n{output}\n{cluster.Tails()}");
        foreach (var silo in cluster.Silos)
            Assert.Equal(2, PrometheusText.Sum(await silo.ScrapeAsync(), "orleans_consistent_ring_size"));
    }

    const string RejectedCertificate = "The remote certificate was rejected by the provided RemoteCertificateValidationCallback";

    [Fact]
    public async Task Both_the_silo_port_and_the_gateway_port_speak_tls_with_the_silos_certificate()
    {
        // A plaintext Orleans port would answer no TLS handshake; these present the silo's own certificate.
        for (var i = 0; i < cluster.Silos.Count; i++)
        {
            foreach (int port in new[] { cluster.Silos[i].SiloPort, cluster.Silos[i].GatewayPort })
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                string subject = "";
                await using var ssl = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
                {
                    subject = certificate?.Subject ?? "";
                    return true;
                });
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
                Assert.Equal($"CN=silo{i}", subject);
            }
        }
    }

    [Fact]
    public async Task Redis_refuses_a_connection_without_the_password()
    {
        var replies = await cluster.Redis.SendAsync(["PING"], ["KEYS", "*"]);
        Assert.All(replies, r => Assert.StartsWith("-NOAUTH", r, StringComparison.Ordinal));
        replies = await cluster.Redis.SendAsync(["AUTH", "wrong"]);
        Assert.StartsWith("-WRONGPASS", replies[0], StringComparison.Ordinal);
        replies = await cluster.Redis.SendAsync(["AUTH", cluster.Redis.Password!], ["PING"]);
        Assert.Equal(["+OK", "+PONG"], replies);
    }

    [Fact]
    public async Task A_cli_without_the_Redis_password_is_refused_with_exit_3_saying_so()
    {
        var env = cluster.Authority.CliEnv("client");
        var (code, output) = await SecureCli.RunAsync(CliTimeout, env, "status", "any", "--cluster", cluster.Cluster);
        Assert.True(code == 3, $"exit {code}\n{output}");
        NoTimeout(output);
        Assert.Contains("--redis-password", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_without_the_Redis_password_does_not_start()
    {
        var env = cluster.CommonSiloEnv();
        env.Remove("Silo__RedisPassword");
        foreach (var (k, v) in cluster.Authority.SiloEnv("silo0")) env[k] = v;
        using var silo = RawSilo.StartRedis("nopass", cluster.Redis.Port, cluster.Dir.Path, env);
        int code = await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, code);
        Assert.Contains("NOAUTH", silo.Process.Output, StringComparison.OrdinalIgnoreCase);
    }
}
