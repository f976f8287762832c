using Orleans.Concurrency;

namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// One per sweep, keyed by the sweep id (the spec's name). Expands the spec, keeps a bounded queue of
/// trials, dispatches them as capacity frees, gathers their rows and writes the Parquet output.
/// Its state is persisted, so a restarted silo resumes the sweep. No call waits for training.
/// </summary>
public interface ISweepCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Idempotent: resubmitting the same spec keeps finished trials and re-drives the rest.</summary>
    Task<SweepSubmission> SubmitAsync(SweepSpec spec);

    /// <summary>
    /// From counters and the running trials, so it costs the same for any sweep size. Interleaved with the trials'
    /// reports (it only reads), so a status call never waits behind a record append or a state write.
    /// </summary>
    [AlwaysInterleave]
    Task<SweepStatus> GetStatusAsync();

    /// <summary>
    /// The sweep's status now, then again at each change (coalesced: at most one per watch interval, the newest), until
    /// the sweep is no longer running; its last status says how it ended. Pushed, so a watcher does not poll. A coordinator
    /// that moves to another silo ends the stream with an error: the watcher calls again.
    /// </summary>
    IAsyncEnumerable<SweepStatus> WatchAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Rows <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/> − 1 of the sweep's
    /// per-trial summary, in plan order; <paramref name="count"/> is capped at <see cref="SweepResultsPage.MaxPageSize"/>.
    /// Answered from the coordinator's memory, so a client needs no access to the output folder.
    /// </summary>
    [AlwaysInterleave]
    Task<SweepResultsPage> GetResultsAsync(int offset, int count);

    /// <summary>Cancels queued and running trials; finished ones and their rows are kept and written.</summary>
    Task CancelAsync();

    /// <summary>
    /// The newest log lines of the sweep's trials (of <paramref name="trialId"/> only, when given), at most
    /// <paramref name="count"/>, oldest first, from the coordinator's memory (its last 1,000 lines); every line is in the
    /// output's logs/ parts.
    /// </summary>
    [AlwaysInterleave]
    Task<TrialLogRow[]> GetLogsAsync(string? trialId, int count);

    // Called by trials.
    Task ReportMeasurementsAsync(string trialId, int attempt, MeasurementRow[] rows);

    /// <summary>A trial's warnings and errors (retries, a failure's exception) for the output's logs/ parts.</summary>
    Task ReportLogsAsync(TrialLogRow[] logs);
    Task ReportProgressAsync(TrialStatus status);

    /// <summary>
    /// A trial's end: <paramref name="lastRows"/> (its rows not yet delivered) are written before the outcome is judged.
    /// A completed or diverged outcome is taken only when the coordinator holds the row of its
    /// <see cref="TrialOutcome.LastMeasuredStep"/>; otherwise the trial is re-driven.
    /// </summary>
    Task ReportOutcomeAsync(TrialOutcome outcome, MeasurementRow[] lastRows);
}
