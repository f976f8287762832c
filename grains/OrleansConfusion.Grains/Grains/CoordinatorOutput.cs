using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// The coordinator's writes to its sweep's output, for <see cref="SweepCoordinatorGrain"/>: every write goes through
/// <see cref="WritingAsync{T}"/>, where a failure of the disk (full, gone, not allowed) is handed to <paramref name="fail"/>,
/// which ends the sweep Failed with the path and the reason; the per-trial log (appended to logs/ and the newest lines
/// kept for <c>confusion logs --cluster</c>); the outcomes the sweep decided itself, recorded one pass at a time; and the
/// parts due for sealing, sealed only after a fresh read of the state says this activation still owns the sweep.
/// </summary>
internal sealed class CoordinatorOutput(string sweepId, Func<SweepRecorder?> recorder, SweepStateStore store, ConfusionMetrics metrics, ILogger logger,
    Func<string, Exception, Task> fail)
{
    readonly RecentLogs _recent = new();
    Task _recordingDecided = Task.CompletedTask;

    public TrialLogRow[] NewestLogs(string? trialId, int count) => _recent.Newest(trialId, count);

    /// <summary>
    /// A write to the sweep's output. Nothing acknowledged is lost when it fails: what was appended is in the record, and
    /// what was not is still with its trial, which sends it again; a resubmit, once the cause is fixed, resumes the sweep.
    /// </summary>
    public async Task<T> WritingAsync<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (OutputSupersededException e)
        {
            // A successor reserved the output folder: this activation learns from the disk that it was replaced (it may
            // not reach the state storage) and stops like one fenced by the storage; callers retry and reach the successor.
            store.Supersede(e.Message, e);
            store.ThrowIfFenced();
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await fail($"writing the output in {store.State.OutputDirectory} failed: {e.Message}", e);
            throw;
        }
    }

    public Task WritingAsync(Func<Task> write) => WritingAsync(async () => { await write(); return true; });

    public async Task LogAsync(IEnumerable<TrialLogRow> logs)
    {
        var rows = logs.ToList();
        if (rows.Count == 0 || recorder() is not { } r) return;
        _recent.Add(rows);
        await WritingAsync(() => r.Output.AppendLogsAsync(rows));
        // A line that arrives after the sweep's end (a trial's late warning) has no timer left to seal it: sealed now,
        // as a small part of its own beside the compacted ones, so the ended dataset holds it and the record stays empty.
        if (store.State.State is SweepState.Completed or SweepState.Cancelled)
            await WritingAsync(() => r.Output.SealDueAsync(DateTime.MaxValue));
    }

    /// <summary>
    /// A trial's reported outcome, judged and (when taken) recorded, counted and logged; a finished trial's silo frees a
    /// slot for the trial waiting there. One whose rows the coordinator lacks is logged as re-driven.
    /// </summary>
    public async Task OutcomeAsync(TrialOutcome outcome, bool cancelRequested, Func<string?, int> slotsOf)
    {
        var r = recorder()!;
        var (verdict, numbered) = await WritingAsync(() => r.FinishAsync(outcome, cancelRequested));
        if (verdict == OutcomeVerdict.Taken)
        {
            metrics.TrialFinished(sweepId, numbered.State);
            if (numbered.Silo is { } silo) r.Sweep.PromoteWaiting(silo, slotsOf(silo));
            await LogAsync(TrialLogs.ForOutcome(numbered, DateTime.UtcNow));
        }
        else if (verdict == OutcomeVerdict.RowsMissing && r.Sweep.Ledger.TryIndex(outcome.TrialId, out int index))
        {
            long held = r.Sweep.Ledger.DeliveredThrough(index);
            logger.LogWarning("Sweep {Sweep}: trial {Trial} reported {State} with a measurement at step {Step}, but the coordinator holds its rows only through step {Held}; re-driving it from its newest checkpoint whose rows are held",
                sweepId, outcome.TrialId, outcome.State, outcome.LastMeasuredStep, held);
            await LogAsync([TrialLogs.RowsMissing(outcome, held, DateTime.UtcNow)]);
        }
    }

    /// <summary>The trials the watchdog took back, each logged (the silo's log and the sweep's logs/) as re-driven.</summary>
    public async Task LostAsync(IEnumerable<LostTrial> lost, DateTime now)
    {
        if (recorder() is not { } r) return;
        var rows = new List<TrialLogRow>();
        foreach (var trial in lost)
        {
            string trialId = r.Sweep.Ledger.Spec(trial.Index).TrialId;
            logger.LogWarning("Sweep {Sweep}: trial {Trial} {Why}; re-driving it", sweepId, trialId, trial.Why);
            rows.Add(TrialLogs.Lost(trialId, r.Sweep.Ledger.Attempts(trial.Index), trial, now));
        }
        await LogAsync(rows);
    }

    /// <summary>
    /// Seals the parts that are due, once a fresh read of the stored state says this activation still owns the sweep. A
    /// coordinator that cannot read its state (cut off from the storage by a partition) seals nothing: its rows stay in
    /// the record, durable, and a successor adopts them; a part it sealed unawares would be a second copy of them.
    /// </summary>
    public async Task SealDueAsync(DateTime now, Func<bool> driving)
    {
        if (recorder() is not { } r || !r.Output.AnyDue(now)) return;
        if (!await store.CheckOwnershipAsync(e => logger.LogDebug(e, "Sweep {Sweep}: could not read its state back before sealing; sealing later", sweepId))) return;
        if (driving()) await WritingAsync(() => r.Output.SealDueAsync(now));
    }

    /// <summary>
    /// Records what the sweep decided itself (a cancelled queue, a trial given up), after any such recording in flight:
    /// one at a time, so outcomes are appended in the order they were decided.
    /// </summary>
    public Task RecordDecidedAsync()
    {
        var r = recorder()!;
        return _recordingDecided = AfterAsync(_recordingDecided);

        async Task AfterAsync(Task previous)
        {
            try { await previous; }
            catch (Exception) { /* its outcomes went back to the sweep and are in this pass */ }
            var decided = await WritingAsync(() => r.RecordDecidedAsync());
            foreach (var outcome in decided) metrics.TrialFinished(sweepId, outcome.State);
            await LogAsync(decided.SelectMany(o => TrialLogs.ForOutcome(o, DateTime.UtcNow)));
        }
    }

    public async Task RecordDecidedQuietlyAsync()
    {
        try { await RecordDecidedAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Sweep {Sweep}: could not record the outcomes it decided; the next tick tries again", sweepId); }
    }
}
