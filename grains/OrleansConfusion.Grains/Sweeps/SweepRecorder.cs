using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// A sweep's trial book and its output, kept in step: a row or an outcome counts in the book only once the output's
/// record holds it. This is the coordinator's write path, without Orleans, so tests and the bench drive exactly it.
/// </summary>
public sealed class SweepRecorder(TrialBook book, SweepOutput output) : IAsyncDisposable
{
    public TrialBook Book { get; } = book;

    public SweepOutput Output { get; } = output;

    /// <summary>A book of <paramref name="plan"/> with the records in <paramref name="directory"/> folded in (see <see cref="SweepOutput.LoadAsync"/>).</summary>
    public static Task<(SweepRecorder Recorder, LoadSummary Loaded)> OpenAsync(SweepPlan plan, string directory, bool rerunUnfinished,
        ILogger logger, CancellationToken cancellationToken = default) =>
        OpenAsync(new TrialBook(plan.Trials, plan.FuseGroups.Count == plan.Trials.Count ? plan.FuseGroups : null), directory, rerunUnfinished, logger, cancellationToken);

    /// <summary>As above, every trial of <paramref name="plan"/> training alone.</summary>
    public static Task<(SweepRecorder Recorder, LoadSummary Loaded)> OpenAsync(IReadOnlyList<TrialSpec> plan, string directory, bool rerunUnfinished,
        ILogger logger, CancellationToken cancellationToken = default) =>
        OpenAsync(new TrialBook(plan), directory, rerunUnfinished, logger, cancellationToken);

    static async Task<(SweepRecorder Recorder, LoadSummary Loaded)> OpenAsync(TrialBook book, string directory, bool rerunUnfinished,
        ILogger logger, CancellationToken cancellationToken)
    {
        var output = new SweepOutput(directory, logger);
        try
        {
            var loaded = await output.LoadAsync(book, rerunUnfinished, cancellationToken);
            return (new SweepRecorder(book, output), loaded);
        }
        catch
        {
            await output.DisposeAsync();
            throw;
        }
    }

    /// <summary>Records the rows not held yet; returns how many were new. They are durable when this returns.</summary>
    public async Task<int> DeliverAsync(int index, IReadOnlyList<MeasurementRow> rows, CancellationToken cancellationToken = default)
    {
        var fresh = Book.TakeNewRows(index, rows);
        if (fresh.Count == 0) return 0;
        await Output.AppendMeasurementsAsync(fresh, cancellationToken);
        Book.Delivered(index, fresh);
        return fresh.Count;
    }

    /// <summary>Judges an outcome (see <see cref="TrialBook.Judge"/>); a taken one is recorded, then counted. Returns it numbered.</summary>
    public async Task<(OutcomeVerdict Verdict, TrialOutcome Outcome)> FinishAsync(TrialOutcome outcome, bool cancelRequested, CancellationToken cancellationToken = default)
    {
        var verdict = Book.Judge(ref outcome, cancelRequested);
        if (verdict != OutcomeVerdict.Taken) return (verdict, outcome);
        // Durable before it counts: a crash between the two re-drives the trial, never loses it.
        await Output.AppendOutcomeAsync(outcome, cancellationToken);
        Book.Commit(outcome);
        return (verdict, outcome);
    }

    /// <summary>Ends every queued trial as cancelled, recorded in one append: O(trials), once per cancel.</summary>
    public async Task<List<TrialOutcome>> CancelQueuedAsync(string why, CancellationToken cancellationToken = default)
    {
        if (Book.CountOf(TrialState.Queued) == 0) return [];
        var now = DateTimeOffset.UtcNow;
        var outcomes = Book.QueuedTrials().Select(i => Book.CancelQueued(i, why, now)!).ToList();
        await Output.AppendOutcomesAsync(outcomes, cancellationToken);
        return outcomes;
    }

    public Task WriteFinalAsync(CancellationToken cancellationToken = default) => Output.WriteFinalAsync(Book, cancellationToken);

    public ValueTask DisposeAsync() => Output.DisposeAsync();
}
