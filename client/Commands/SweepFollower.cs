using System.Text.Json;
using OrleansConfusion.Cli.Results;
using OrleansConfusion.Cli.Views;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// Follows a submitted sweep to its end and reports it; shared by `run` and `watch`. An interrupt
/// either cancels the sweep and waits for its output (run) or only stops following (watch).
/// </summary>
public sealed class SweepFollower(SweepProgressView view, ParquetResultsReader results, CliOutput output)
{
    /// <summary>The coordinator writes the Parquet files as the sweep ends; allow it a moment.</summary>
    static readonly TimeSpan OutputWait = TimeSpan.FromSeconds(15);

    public async Task<int> FollowToEndAsync(ISweepCoordinatorGrain coordinator, SweepSubmission? submission, bool json,
        IReadOnlyList<string> rejected, bool cancelOnInterrupt, CancellationToken cancellationToken)
    {
        SweepStatus status;
        bool interrupted = false;
        try
        {
            status = json ? await PollQuietlyAsync(coordinator, cancellationToken)
                : await view.FollowAsync(_ => coordinator.GetStatusAsync(), cancellationToken);
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
            try { status = await PollQuietlyAsync(coordinator, flush.Token); }
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
        var report = await TryReadResultsAsync(SweepDirectory(status, submission), interrupted ? CancellationToken.None : cancellationToken);
        if (json)
        {
            var results = report is null ? null : new SweepResultsJson(report.TrialsFile, report.MetricsFile, report.MeasurementRows, report.Trials);
            var run = new RunResultJson(submission ?? new SweepSubmission { SweepId = status.SweepId }, status, results, rejected);
            output.Out.WriteLine(JsonSerializer.Serialize(run, CliJsonContext.Default.RunResultJson));
        }
        else if (report is not null)
        {
            output.Out.Write(SummaryTable.Build(report.Trials));
            output.Out.MarkupLine($"[bold]trials:[/]  {report.TrialsFile.EscapeMarkup()}");
            output.Out.MarkupLine($"[bold]metrics:[/] {report.MetricsFile.EscapeMarkup()} ({report.MeasurementRows} rows)");
        }

        if (interrupted || status.State == SweepState.Cancelled) return ExitCodes.Cancelled;
        if (status.Failed > 0)
        {
            output.Fail($"{status.Failed} of {status.Total} trial(s) failed");
            return ExitCodes.Failure;
        }
        return report is null ? ExitCodes.Failure : ExitCodes.Ok;
    }

    static async Task<SweepStatus> PollQuietlyAsync(ISweepCoordinatorGrain coordinator, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await coordinator.GetStatusAsync();
            if (SweepProgressView.IsOver(status)) return status;
            await Task.Delay(SweepProgressView.PollInterval, cancellationToken);
        }
    }

    /// <summary>The sweep's own folder, whether the coordinator reports it or its root.</summary>
    public static string SweepDirectory(SweepStatus status, SweepSubmission? submission)
    {
        string dir = status.OutputDirectory.Length > 0 ? status.OutputDirectory : submission?.OutputDirectory ?? "";
        return Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)) == status.SweepId ? dir : Path.Combine(dir, status.SweepId);
    }

    async Task<SweepResults?> TryReadResultsAsync(string sweepDirectory, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + OutputWait;
        while (!File.Exists(Path.Combine(sweepDirectory, ParquetResultsReader.TrialsFileName)) && DateTimeOffset.UtcNow < deadline)
            await Task.Delay(200, cancellationToken);
        try
        {
            return await results.ReadAsync(sweepDirectory, cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            output.Fail($"cannot read the results in {sweepDirectory}: {e.Message}");
            return null;
        }
    }
}
