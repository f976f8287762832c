using System.CommandLine;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;

namespace OrleansConfusion.Cli.Commands;

/// <summary>`confusion cancel`: stop a sweep's queued and running trials; finished ones are kept and written.</summary>
public sealed class CancelCommand : ClusterCommand
{
    readonly Argument<string> _sweep = new("sweep") { Description = "Sweep id (the spec's name)" };

    public CancelCommand(IClusterConnector connector, CliOutput output)
        : base("cancel", "Cancel a sweep on a running cluster; finished trials and their rows are kept and written.", connector, output)
    {
        Add(_sweep);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, IClusterClient client, object? prepared, CancellationToken cancellationToken)
    {
        string sweep = parseResult.GetRequiredValue(_sweep);
        var coordinator = client.GetGrain<ISweepCoordinatorGrain>(sweep);
        var status = await coordinator.GetStatusAsync();
        if (status.State == SweepState.NotFound)
        {
            Output.Fail($"sweep '{sweep}' is not known to the cluster");
            return ExitCodes.BadInput;
        }
        await coordinator.CancelAsync();
        Output.Out.MarkupLine($"cancelled [bold]{sweep.EscapeMarkup()}[/] ({status.Finished}/{status.Total} trial(s) had finished)");
        return ExitCodes.Ok;
    }
}
