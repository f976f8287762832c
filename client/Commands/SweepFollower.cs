using System.Text.Json;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Cli.Results;
using OrleansConfusion.Cli.Views;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// Follows a submitted sweep to its end and reports it; shared by `run` and `watch`. An interrupt
/// either cancels the sweep and waits for its output (run) or only stops following (watch). The final
/// summary comes from the coordinator grain, not the Parquet files: a client watching a cluster often
/// cannot see the silos' output folder.
/// </summary>
public sealed class SweepFollower(SweepProgressView view, CoordinatorResultsReader results, CliOutput output)
{
    public async Task<int> FollowToEndAsync(ISweepCoordinatorGrain coordinator, SweepSubmission? submission, bool json,
        IReadOnlyList<string> rejected, bool cancelOnInterrupt, CancellationToken cancellationToken)
    {
        SweepStatus status;
        bool interrupted = false;
        try
        {
            status = json ? await LastAsync(coordinator, cancellationToken)
                : await view.FollowAsync(StatusStream.FollowAsync(coordinator, cancellationToken), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (!cancelOnInterrupt)
            {
                output.Info("stopped watching; the sweep goes on (use `confusion cancel` to stop it)");
                return ExitCodes.Cancelled;
            }
            output.Warn("interrupted: cancelling the sweep and writing what finished…");
            interrupted = true;
            await coordinator.CancelAsync();
            using var flush = new CancellationTokenSource(RunCommand.CancelFlushTimeout);
            try { status = await LastAsync(coordinator, flush.Token); }
            catch (OperationCanceledException)
            {
                output.Fail($"the sweep did not finish cancelling within {RunCommand.CancelFlushTimeout.TotalSeconds:0} s; output may be incomplete");
                return ExitCodes.Cancelled;
            }
        }

        if (status.State == SweepState.NotFound)
        {
            output.Fail($"sweep '{status.SweepId}' is not known to the cluster");
            return ExitCodes.BadInput;
        }
        var report = await results.ReadAsync(coordinator, interrupted ? CancellationToken.None : cancellationToken);
        if (json)
        {
            var summary = new SweepResultsJson(report.TrialsFile, report.MetricsFile, report.MeasurementRows, report.Trials);
            var run = new RunResultJson(submission ?? new SweepSubmission { SweepId = status.SweepId }, status, summary, rejected);
            output.Out.WriteLine(JsonSerializer.Serialize(run, CliJsonContext.Default.RunResultJson));
        }
        else
        {
            output.Out.Write(SummaryTable.Build(report.Trials));
            // The paths are the silos' own: on a cluster they name the silos' volume, not necessarily this machine's.
            output.Out.MarkupLine($"[bold]trials:[/]  {report.TrialsFile.EscapeMarkup()}");
            output.Out.MarkupLine($"[bold]metrics:[/] {report.MetricsFile.EscapeMarkup()} ({report.MeasurementRows} rows)");
        }

        if (interrupted || status.State == SweepState.Cancelled) return ExitCodes.Cancelled;
        if (status.State == SweepState.Failed)
        {
            output.Fail($"the sweep failed: {status.Error}; once that is fixed, run or submit the same spec again to resume it");
            return ExitCodes.Failure;
        }
        if (status.Failed > 0)
        {
            output.Fail($"{status.Failed} of {status.Total} trial(s) failed");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    /// <summary>The sweep's status once it is over, from the pushed statuses, showing none of them.</summary>
    static async Task<SweepStatus> LastAsync(ISweepCoordinatorGrain coordinator, CancellationToken cancellationToken)
    {
        SweepStatus? last = null;
        await foreach (var status in StatusStream.FollowAsync(coordinator, cancellationToken)) last = status;
        return last ?? throw new InvalidOperationException($"the coordinator of the sweep sent no status");
    }
}
