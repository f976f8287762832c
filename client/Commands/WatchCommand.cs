using System.CommandLine;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Commands;

/// <summary>`confusion watch`: live progress of a sweep on a running cluster until it ends, then its summary.</summary>
public sealed class WatchCommand : ClusterCommand
{
    readonly SweepFollower _follower;
    readonly Argument<string> _sweep = new("sweep") { Description = "Sweep id (the spec's name)" };
    readonly Option<bool> _json = new("--json") { Description = "No progress; print the final status and results as JSON" };

    public WatchCommand(SweepFollower follower, IClusterConnector connector, CliOutput output)
        : base("watch", "Follow a sweep on a running cluster until it ends, then print its summary. Ctrl-C stops watching only.", connector, output)
    {
        _follower = follower;
        Add(_sweep);
        Add(_json);
    }

    protected override Task<int> ExecuteAsync(ParseResult parseResult, IClusterClient client, object? prepared, CancellationToken cancellationToken)
    {
        var coordinator = client.GetGrain<ISweepCoordinatorGrain>(parseResult.GetRequiredValue(_sweep));
        return _follower.FollowToEndAsync(coordinator, null, parseResult.GetValue(_json), [], cancelOnInterrupt: false, cancellationToken);
    }
}
