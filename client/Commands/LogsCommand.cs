using System.CommandLine;
using System.Globalization;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// `confusion logs`: a sweep's per-trial warnings and errors (divergences, failures with their exception text, resumes
/// from checkpoints, re-drives, retries), oldest first. From the sweep's folder (the logs/ parts of its dataset), or,
/// with --cluster, from its coordinator's memory of the newest 1,000 lines (for a client that cannot see the folder).
/// </summary>
public sealed class LogsCommand : BaseCommand
{
    readonly IClusterConnector _connector;
    readonly CliOutput _output;
    readonly ClusterOptionSet _cluster = new();
    readonly Argument<string> _sweep = new("sweep") { Description = "Sweep id (under --out), or the sweep's output folder" };
    readonly Option<string> _out = new("--out", "-o") { Description = "Root output directory holding <sweep>/", DefaultValueFactory = _ => "runs" };
    readonly Option<string?> _trial = new("--trial") { Description = "Only this trial's lines (its trial id)", HelpName = "ID" };

    public LogsCommand(IClusterConnector connector, CliOutput output)
        : base("logs", "Print a sweep's per-trial log (divergences, failures, resumes, re-drives) from its folder, or from its coordinator with --cluster.", output)
    {
        (_connector, _output) = (connector, output);
        Add(_sweep);
        Add(_out);
        Add(_trial);
        _cluster.AddTo(this);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        string sweep = parseResult.GetRequiredValue(_sweep);
        string? trial = parseResult.GetValue(_trial);
        IReadOnlyList<TrialLogRow> rows;
        if (parseResult.GetResult(_cluster.Cluster) is { Implicit: false })
        {
            if (!_cluster.TryGetTarget(parseResult, out var target, out string error))
            {
                _output.Fail(error);
                return ExitCodes.BadInput;
            }
            await using var session = await _connector.ConnectAsync(target, cancellationToken);
            rows = await session.Client.GetGrain<ISweepCoordinatorGrain>(sweep).GetLogsAsync(trial, 1000);
        }
        else
        {
            string directory = Directory.Exists(sweep) ? sweep : Path.Combine(parseResult.GetValue(_out) ?? "runs", sweep);
            if (!Directory.Exists(directory))
            {
                _output.Fail($"no sweep folder at {directory} (is --out right? With --cluster, the coordinator answers instead)");
                return ExitCodes.BadInput;
            }
            var all = await DatasetFiles.ReadLogsAsync(directory, cancellationToken);
            rows = [.. all.Where(r => trial is null || r.TrialId == trial).OrderBy(r => r.At)];
        }
        foreach (var r in rows)
        {
            string colour = r.Level switch { "error" => "red", "warning" => "yellow", _ => "grey" };
            _output.Out.MarkupLine($"{r.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} [{colour}]{r.Level,-7}[/] " +
                $"{r.TrialId.EscapeMarkup()} (attempt {r.Attempt}, {(r.Silo ?? "-").EscapeMarkup()}): {r.Message.EscapeMarkup()}");
        }
        if (rows.Count == 0) _output.Info(trial is null ? "no log lines" : $"no log lines for trial {trial}");
        return ExitCodes.Ok;
    }
}
