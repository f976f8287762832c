using System.CommandLine;
using OrleansConfusion.Cli.Cluster;

namespace OrleansConfusion.Cli.Commands;

/// <summary>--cluster, --service-id and --cluster-id, shared by the commands that talk to a running cluster.</summary>
public sealed class ClusterOptionSet
{
    public const string DefaultServiceId = "orleansconfusion";
    public const string DefaultClusterId = "default";

    public Option<string> Cluster { get; } = new("--cluster", "-c")
    {
        Description = "Cluster to connect to: localhost[:gatewayPort] (default port 30000) or redis://host[:port]",
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

    public void AddTo(Command command)
    {
        command.Add(Cluster);
        command.Add(ServiceId);
        command.Add(ClusterId);
    }

    public bool TryGetTarget(ParseResult parseResult, out ClusterTarget target, out string error)
    {
        target = null!;
        if (!ClusterAddress.TryParse(parseResult.GetValue(Cluster) ?? "localhost", out var address, out error)) return false;
        target = new ClusterTarget(address, parseResult.GetValue(ServiceId) ?? DefaultServiceId, parseResult.GetValue(ClusterId) ?? DefaultClusterId);
        return true;
    }
}
