using System.CommandLine;
using OrleansConfusion.Cli.Cluster;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// --cluster, --service-id, --cluster-id, the TLS files and the Redis password, shared by the commands that talk
/// to a running cluster. Each secret-bearing option also reads an environment variable, so that it need not
/// appear on a command line (and in `ps`): the option wins when both are given.
/// </summary>
public sealed class ClusterOptionSet
{
    public const string DefaultServiceId = "orleansconfusion";
    public const string DefaultClusterId = "default";
    public const string TlsCertVariable = "CONFUSION_TLS_CERT";
    public const string TlsKeyVariable = "CONFUSION_TLS_KEY";
    public const string TlsCaVariable = "CONFUSION_TLS_CA";
    public const string RedisPasswordVariable = "CONFUSION_REDIS_PASSWORD";

    public Option<string> Cluster { get; } = new("--cluster", "-c")
    {
        Description = "Cluster to connect to: localhost[:gatewayPort] (default port 30000), host[:gatewayPort] (one gateway address, e.g. a Kubernetes Service) or redis://host[:port]",
        DefaultValueFactory = _ => "localhost",
    };

    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = "Orleans service id of the cluster",
        DefaultValueFactory = _ => DefaultServiceId,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Orleans cluster id of the cluster",
        DefaultValueFactory = _ => DefaultClusterId,
    };

    public Option<string?> TlsCert { get; } = new("--tls-cert")
    {
        Description = $"Client certificate (PEM) for a cluster with mutual TLS; or ${TlsCertVariable}",
    };

    public Option<string?> TlsKey { get; } = new("--tls-key")
    {
        Description = $"Private key (PEM) of --tls-cert; or ${TlsKeyVariable}",
    };

    public Option<string?> TlsCa { get; } = new("--tls-ca")
    {
        Description = $"CA certificate (PEM) the cluster's certificates must chain to; or ${TlsCaVariable}",
    };

    public Option<string?> RedisPassword { get; } = new("--redis-password")
    {
        Description = $"Password of the Redis that holds the membership (redis:// clusters); or ${RedisPasswordVariable}",
    };

    public void AddTo(Command command)
    {
        command.Add(Cluster);
        command.Add(ServiceId);
        command.Add(ClusterId);
        command.Add(TlsCert);
        command.Add(TlsKey);
        command.Add(TlsCa);
        command.Add(RedisPassword);
    }

    public bool TryGetTarget(ParseResult parseResult, out ClusterTarget target, out string error)
    {
        target = null!;
        if (!ClusterAddress.TryParse(parseResult.GetValue(Cluster) ?? "localhost", out var address, out error)) return false;
        if (!TryGetTls(parseResult, out var tls, out error)) return false;
        string? password = OrEnvironment(parseResult.GetValue(RedisPassword), RedisPasswordVariable);
        if (password is not null && address.Kind != ClusterKind.Redis)
        {
            error = $"--redis-password (or ${RedisPasswordVariable}) is for redis:// clusters; {address} has no Redis";
            return false;
        }
        target = new ClusterTarget(address, parseResult.GetValue(ServiceId) ?? DefaultServiceId, parseResult.GetValue(ClusterId) ?? DefaultClusterId,
            tls, password);
        return true;
    }

    /// <summary>All three TLS files or none (plaintext); a partial set is bad input that names what is missing.</summary>
    bool TryGetTls(ParseResult parseResult, out ClusterTlsFiles? tls, out string error)
    {
        tls = null;
        error = "";
        var given = new (string Option, string Variable, string? Value)[]
        {
            ("--tls-cert", TlsCertVariable, OrEnvironment(parseResult.GetValue(TlsCert), TlsCertVariable)),
            ("--tls-key", TlsKeyVariable, OrEnvironment(parseResult.GetValue(TlsKey), TlsKeyVariable)),
            ("--tls-ca", TlsCaVariable, OrEnvironment(parseResult.GetValue(TlsCa), TlsCaVariable)),
        };
        if (given.All(g => g.Value is null)) return true;
        var missing = given.Where(g => g.Value is null).Select(g => $"{g.Option} (or ${g.Variable})").ToList();
        if (missing.Count > 0)
        {
            error = $"mutual TLS needs a client certificate, its key and the cluster CA; missing {string.Join(", ", missing)}";
            return false;
        }
        foreach (var (option, _, value) in given)
        {
            if (!File.Exists(value))
            {
                error = $"{option}: file '{value}' does not exist";
                return false;
            }
        }
        tls = new ClusterTlsFiles(given[0].Value!, given[1].Value!, given[2].Value!);
        return true;
    }

    static string? OrEnvironment(string? value, string variable) =>
        !string.IsNullOrEmpty(value) ? value : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
}
