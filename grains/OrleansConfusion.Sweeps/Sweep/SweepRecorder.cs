using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// A sweep's decisions and its output, kept in step: a row or an outcome counts in the <see cref="Sweep"/> only once the
/// output's record holds it, so a crash between the two re-drives a trial and never loses one. This is the coordinator's
/// write path, without Orleans, so tests and the bench drive exactly it.
/// </summary>
public sealed class SweepRecorder(Sweep sweep, SweepOutput output) : IAsyncDisposable
{
    public Sweep Sweep { get; } = sweep;

    public SweepOutput Output { get; } = output;

    /// <summary>
    /// The sweep of <paramref name="plan"/> with the records in <paramref name="directory"/> folded in, for its coordinator:
    /// logged, and on a submit (<paramref name="rerunUnfinished"/>) a folder it cannot resume from is a spec error of output_dir.
    /// </summary>
    public static async Task<SweepRecorder> OpenForCoordinatorAsync(SweepPlan plan, string directory, bool rerunUnfinished, ILogger logger,
        ParquetSinkOptions options, CancellationToken cancellationToken = default)
    {
        SweepRecorder recorder;
        LoadSummary loaded;
        try
        {
            var sweep = new Sweep(plan.Trials, plan.FuseGroups.Count == plan.Trials.Count ? plan.FuseGroups : null);
            var output = new SweepOutput(directory, logger) { SealRows = options.PartRows, SealInterval = options.PartInterval };
            (recorder, loaded) = await OpenAsync(sweep, output, rerunUnfinished, cancellationToken);
        }
        catch (InvalidOperationException e) when (rerunUnfinished)
        {
            throw new SpecRejectedException("output_dir", e.Message);
        }
        // "coordinator generation N" is what an operator (and PartitionTests) looks for to see a sweep taken over.
        logger.LogInformation("Sweep {Sweep}: coordinator generation {Generation} read {Rows} rows and {Lines} trial lines from {Files} files in {Output}{Compacted}",
            plan.SweepId, recorder.Output.Generation, loaded.Rows, loaded.TrialLines, loaded.Files, directory, loaded.Compacted ? " (starts record compacted)" : "");
        return recorder;
    }

    /// <summary>A sweep of <paramref name="plan"/> with the records in <paramref name="directory"/> folded in (see <see cref="SweepOutput.LoadAsync"/>).</summary>
    public static Task<(SweepRecorder Recorder, LoadSummary Loaded)> OpenAsync(SweepPlan plan, string directory, bool rerunUnfinished,
        ILogger logger, CancellationToken cancellationToken = default) =>
        OpenAsync(new Sweep(plan.Trials, plan.FuseGroups.Count == plan.Trials.Count ? plan.FuseGroups : null), directory, rerunUnfinished, logger, cancellationToken);

    /// <summary>As above, every trial of <paramref name="plan"/> training alone.</summary>
    public static Task<(SweepRecorder Recorder, LoadSummary Loaded)> OpenAsync(IReadOnlyList<TrialSpec> plan, string directory, bool rerunUnfinished,
        ILogger logger, CancellationToken cancellationToken = default) =>
        OpenAsync(new Sweep(plan), directory, rerunUnfinished, logger, cancellationToken);

    static Task<(SweepRecorder Recorder, LoadSummary Loaded)> OpenAsync(Sweep sweep, string directory, bool rerunUnfinished,
        ILogger logger, CancellationToken cancellationToken) =>
        OpenAsync(sweep, new SweepOutput(directory, logger), rerunUnfinished, cancellationToken);

    /// <summary>A sweep and an output not loaded yet (options set): loads, and disposes the output if loading fails.</summary>
    public static async Task<(SweepRecorder Recorder, LoadSummary Loaded)> OpenAsync(Sweep sweep, SweepOutput output, bool rerunUnfinished,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var loaded = await output.LoadAsync(sweep.Ledger, rerunUnfinished, cancellationToken);
            return (new SweepRecorder(sweep, output), loaded);
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
        var fresh = Sweep.Ledger.TakeNewRows(index, rows);
        if (fresh.Count == 0) return 0;
        await Output.AppendMeasurementsAsync(fresh, cancellationToken);
        Sweep.Ledger.Delivered(index, fresh);
        return fresh.Count;
    }

    /// <summary>Judges an outcome (see <see cref="Sweep.Judge"/>); a taken one is recorded, then counted. Returns it numbered.</summary>
    public async Task<(OutcomeVerdict Verdict, TrialOutcome Outcome)> FinishAsync(TrialOutcome outcome, bool cancelRequested, CancellationToken cancellationToken = default)
    {
        var verdict = Sweep.Judge(ref outcome, cancelRequested);
        if (verdict != OutcomeVerdict.Taken) return (verdict, outcome);
        await Output.AppendOutcomeAsync(outcome, cancellationToken);
        Sweep.Commit(outcome);
        return (verdict, outcome);
    }

    /// <summary>
    /// Records the outcomes the sweep decided itself (<see cref="Sweep.Decided"/>) in one append, and returns them. They
    /// counted already; should the append fail, they are handed back and the next call tries again, and should the
    /// process die first, a later activation finds those trials open and decides again.
    /// </summary>
    public async Task<List<TrialOutcome>> RecordDecidedAsync(CancellationToken cancellationToken = default)
    {
        var outcomes = Sweep.TakeDecided();
        if (outcomes.Count == 0) return outcomes;
        try
        {
            await Output.AppendOutcomesAsync(outcomes, cancellationToken);
        }
        catch
        {
            Sweep.Redecide(outcomes);
            throw;
        }
        return outcomes;
    }

    /// <summary>The sweep's end: the last parts sealed, the dataset compacted (see <see cref="SweepOutput.FinishAsync"/>).</summary>
    public Task FinishOutputAsync(CancellationToken cancellationToken = default) => Output.FinishAsync(cancellationToken);

    /// <summary>Page <paramref name="offset"/>.. of the sweep's per-trial summary (see <see cref="TrialResultRows.Page"/>), with the final files once it has ended.</summary>
    public SweepResultsPage ResultsPage(string sweepId, SweepState state, int offset, int count)
    {
        bool ended = state is SweepState.Completed or SweepState.Cancelled;
        return new SweepResultsPage
        {
            SweepId = sweepId,
            State = state,
            TotalTrials = Sweep.Count,
            Offset = offset,
            Trials = TrialResultRows.Page(Sweep, offset, count),
            TrialsFile = DatasetFiles.Glob(Output.Directory, DatasetLayout.Trials),
            MetricsFile = DatasetFiles.Glob(Output.Directory, DatasetLayout.Metrics),
            MeasurementRows = Sweep.Ledger.MeasurementRows,
        };
    }

    public ValueTask DisposeAsync() => Output.DisposeAsync();
}
