using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Messaging;
using StackExchange.Redis;

namespace OrleansConfusion.Cli.Cluster;

/// <summary>
/// Starts an Orleans client host for localhost or Redis clustering, with mutual TLS when the target has TLS
/// files. The client gets no connection retries and the whole start, diagnosis included, is bounded by
/// <see cref="ConnectTimeout"/>, so an unreachable cluster is reported in seconds with its address instead of
/// a silent hang. When TLS is why, <see cref="GatewayTlsProbe"/> says which certificate was missing or rejected.
/// </summary>
public sealed class OrleansClusterConnector : IClusterConnector
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    // Kept from the connect timeout for the TLS diagnosis (one loopback or LAN handshake).
    static readonly TimeSpan ProbeBudget = TimeSpan.FromSeconds(2);

    public async Task<ClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        // Bad files are bad input (exit 2), found before any connection is tried.
        var certificates = target.Tls is { } files ? ClusterCertificates.Load(files.CertificatePath, files.KeyPath, files.CaPath) : null;
        // Everything before the diagnosis shares one budget, so the whole connect stays within ConnectTimeout.
        var startBy = DateTime.UtcNow + ConnectTimeout - ProbeBudget;
        // A Redis that refuses the password makes the Orleans client wait out its whole timeout; one AUTH says so at once.
        if (target.Address.Kind == ClusterKind.Redis
            && await RedisAuthProbe.RefusalAsync(target.Address.Host, target.Address.Port, target.RedisPassword, ProbeBudget / 2) is { } refused)
            throw RedisRefused(target, refused, null);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Orleans logs connection failures as warnings with stack traces; the CLI reports them itself.
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            var address = target.Address;
            if (address.Kind == ClusterKind.Redis)
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (target.ServiceId, target.ClusterId));
                var redis = ConfigurationOptions.Parse($"{address.Host}:{address.Port},connectTimeout=5000,abortConnect=true");
                redis.Password = target.RedisPassword;
                client.UseRedisClustering(o => o.ConfigurationOptions = redis);
            }
            else if (address.Kind == ClusterKind.Gateway)
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (target.ServiceId, target.ClusterId));
                client.UseStaticClustering(ResolveGateway(address));
            }
            else
            {
                client.UseLocalhostClustering(address.Port, target.ServiceId, target.ClusterId);
            }
            if (certificates is not null) client.UseTls(certificates.Certificate, certificates.Configure);
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            client.AddOrleansConfusionClient();
        });
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(startBy - DateTime.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero);
        try
        {
            await host.StartAsync(timeout.Token).WaitAsync(timeout.Token);
            return new ClusterSession(host.Services.GetRequiredService<IClusterClient>(), host);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            string why = e is OperationCanceledException ? $"no answer within {ConnectTimeout.TotalSeconds:0} s" : e.GetBaseException().Message;
            if (IsRedisAuthenticationFailure(e))
            {
                host.Dispose();
                throw RedisRefused(target, why, e);
            }
            string? tls = await ExplainTlsAsync(host, target, certificates);
            host.Dispose();
            string where = $"cannot reach the cluster at {target.Address} (service '{target.ServiceId}', cluster '{target.ClusterId}')";
            throw new ClusterUnreachableException(tls is null ? $"{where}: {why}" : $"{where}: {tls}", e);
        }
    }

    /// <summary>Every address the gateway's name resolves to (a Service has one); a name that does not resolve is unreachable (exit 3).</summary>
    static IPEndPoint[] ResolveGateway(ClusterAddress address)
    {
        try
        {
            var addresses = IPAddress.TryParse(address.Host, out var ip) ? [ip] : Dns.GetHostAddresses(address.Host);
            return addresses.Select(a => new IPEndPoint(a, address.Port)).ToArray();
        }
        catch (SocketException e)
        {
            throw new ClusterUnreachableException($"cannot reach the cluster at {address}: the gateway name '{address.Host}' does not resolve ({e.Message})", e);
        }
    }

    static ClusterUnreachableException RedisRefused(ClusterTarget target, string why, Exception? inner) => new(
        $"Redis at {target.Address} refused to authenticate this client ({why}): " +
        (target.RedisPassword is null ? "it requires a password; give --redis-password or $" : "the password is wrong; check --redis-password or $") +
        Commands.ClusterOptionSet.RedisPasswordVariable, inner);

    static bool IsRedisAuthenticationFailure(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }) return true;
            if (inner.Message.Contains("NOAUTH", StringComparison.Ordinal) || inner.Message.Contains("WRONGPASS", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Asks the first gateway the cluster lists why TLS failed; null when it is not TLS or there is no gateway to ask.</summary>
    static async Task<string?> ExplainTlsAsync(IHost host, ClusterTarget target, ClusterCertificates? certificates)
    {
        using var budget = new CancellationTokenSource(ProbeBudget);
        try
        {
            var gateways = host.Services.GetRequiredService<IGatewayListProvider>();
            await gateways.InitializeGatewayListProvider().WaitAsync(budget.Token);
            var first = (await gateways.GetGateways().WaitAsync(budget.Token)).FirstOrDefault();
            if (first is null) return null;
            string source = target.Tls is { } files ? $"'{files.CertificatePath}'" : "";
            return await GatewayTlsProbe.ExplainAsync(first.Host, first.Port, certificates, source, ProbeBudget / 2);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The diagnosis is a courtesy; the connection error is reported either way.
            return null;
        }
    }
}
