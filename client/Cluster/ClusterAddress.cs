namespace OrleansConfusion.Cli.Cluster;

/// <summary>
/// Where a cluster is: "localhost[:gatewayPort]" (localhost clustering, gateway 30000 by default),
/// "redis://host[:port]" (Redis membership, port 6379 by default) or "host[:gatewayPort]" (one gateway address,
/// for example the silo-gateway Service in k8s/).
/// </summary>
public sealed record ClusterAddress(ClusterKind Kind, string Host, int Port)
{
    public const int DefaultGatewayPort = 30000;
    public const int DefaultRedisPort = 6379;

    public override string ToString() => Kind switch
    {
        ClusterKind.Redis => $"redis://{Host}:{Port}",
        ClusterKind.Gateway => $"{Host}:{Port}",
        _ => $"localhost:{Port}",
    };

    public static bool TryParse(string text, out ClusterAddress address, out string error)
    {
        address = new ClusterAddress(ClusterKind.Localhost, "localhost", DefaultGatewayPort);
        error = "";
        text = text.Trim();
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = text["redis://".Length..].TrimEnd('/');
            if (!SplitHostPort(rest, DefaultRedisPort, out string host, out int port))
            {
                error = $"'{text}' is not redis://host[:port]";
                return false;
            }
            address = new ClusterAddress(ClusterKind.Redis, host, port);
            return true;
        }
        if (!text.Contains("://", StringComparison.Ordinal) && SplitHostPort(text, DefaultGatewayPort, out string h, out int p))
        {
            address = h is "localhost" or "127.0.0.1"
                ? new ClusterAddress(ClusterKind.Localhost, "localhost", p)
                : new ClusterAddress(ClusterKind.Gateway, h, p);
            return true;
        }
        error = $"'{text}' is not a cluster address: use localhost[:gatewayPort], host[:gatewayPort] or redis://host[:port]";
        return false;
    }

    static bool SplitHostPort(string text, int defaultPort, out string host, out int port)
    {
        port = defaultPort;
        int colon = text.LastIndexOf(':');
        host = colon < 0 ? text : text[..colon];
        if (colon >= 0 && !(int.TryParse(text[(colon + 1)..], out port) && port is > 0 and < 65536)) return false;
        return host.Length > 0;
    }
}
