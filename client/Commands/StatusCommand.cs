using Spectre.Console;
using System.CommandLine;
using System.Text.Json;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Cli.Views;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Commands;

/// <summary>`confusion status`: one look at a sweep's counts and running trials.</summary>
public sealed class StatusCommand : ClusterCommand
{
    readonly Argument<string> _sweep = new("sweep") { Description = "Sweep id (the spec's name)" };
    readonly Option<bool> _json = new("--json") { Description = "Print the status as JSON" };

    public StatusCommand(IClusterConnector connector, CliOutput output)
        : base("status", "Show a sweep's progress on a running cluster.", connector, output)
    {
        Add(_sweep);
        Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, IClusterClient client, object? prepared, CancellationToken cancellationToken)
    {
        string sweep = parseResult.GetRequiredValue(_sweep);
        var status = await client.GetGrain<ISweepCoordinatorGrain>(sweep).GetStatusAsync();
        if (parseResult.GetValue(_json))
            Output.Out.WriteLine(JsonSerializer.Serialize(status, CliJsonContext.Default.SweepStatus));
        else if (status.State != SweepState.NotFound)
            Output.Out.Write(StatusTable.Build(status));
        if (status.State != SweepState.NotFound) return ExitCodes.Ok;
        Output.Fail($"sweep '{sweep}' is not known to the cluster");
        return ExitCodes.BadInput;
    }
}
