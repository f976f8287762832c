using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// Trains one trial on its silo. StartAsync starts one worker and returns; the worker queues the trial
/// for a silo-local slot (a prefetched trial may wait behind another), where it trains on a slot thread
/// and writes measurements to a channel. An interleaving timer drains the channel and reports rows and
/// status to the coordinator; when the worker ends, the wrapper resumes on the grain scheduler and
/// reports the outcome together with the rows not yet sent.
/// </summary>
[TrainingPlacement]
public sealed class TrialGrain(
    [PersistentState("trial", StorageNames.Sweeps)] IPersistentState<TrialGrainState> state,
    ITrialTrainer trainer,
    SiloTrainingCapacity capacity,
    ILocalSiloDetails localSilo,
    IOptions<TrialSchedulingOptions> options,
    ConfusionMetrics metrics,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    readonly List<MeasurementRow> _unsent = [];
    TrialSpec? _spec;
    int _attempt;
    Channel<MeasurementRecord>? _measurements;
    CancellationTokenSource? _cancellation;
    WorkerSignals _signals = new(-1);
    Task? _worker;
    IGrainTimer? _timer;
    Task _flush = Task.CompletedTask;
    TrialOutcome? _outcome;
    long _reportedSteps;
    DateTimeOffset? _trainingStartedAt;
    bool _deactivating;
    bool _finishing;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A finished trial remembers its outcome, so a repeated start re-sends it instead of retraining.
        if (state.State is { Spec: { } spec, Outcome: { } outcome })
        {
            _spec = spec;
            _attempt = state.State.Attempt;
            _outcome = outcome;
        }
        return Task.CompletedTask;
    }

    async Task ITrialGrain.StartAsync(TrialSpec spec, int attempt, long deliveredThroughStep)
    {
        // The coordinator's placement hint must not follow this trial's own calls.
        RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        if (_worker is { IsCompleted: false })
        {
            if (_cancellation!.IsCancellationRequested) await _worker;
            else
            {
                // Still training: a re-drive of a trial that was only slow to report. Keep going under the new attempt.
                _attempt = attempt;
                return;
            }
        }
        if (_outcome is { State: TrialState.Completed or TrialState.Diverged } && deliveredThroughStep >= _outcome.LastMeasuredStep)
        {
            // Finished, and the coordinator holds every row: it missed only the outcome, so send it again.
            // Otherwise (rows lost with a coordinator, or a failed or cancelled run) the trial trains again,
            // from its newest checkpoint whose rows the coordinator holds.
            _attempt = attempt;
            await ReportOutcomeAsync(_outcome with { Attempt = attempt });
            return;
        }

        _spec = spec;
        _attempt = attempt;
        _outcome = null;
        _reportedSteps = 0;
        // Nothing is stored at start: only the outcome is ever read back (OnActivateAsync), and the
        // coordinator remembers the start; a storage write here would only delay training.
        StartWorker(spec, attempt, deliveredThroughStep);
    }

    Task<TrialStatus> ITrialGrain.GetStatusAsync() => Task.FromResult(BuildStatus());

    Task ITrialGrain.CancelAsync()
    {
        _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A silo shutting down hands the trial back: no outcome is reported, the coordinator re-drives it
        // (from its checkpoint) on another silo once this one leaves the membership or goes quiet.
        _deactivating = true;
        _cancellation?.Cancel();
        if (_worker is not null)
        {
            try { await _worker.WaitAsync(cancellationToken); }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
                logger.LogWarning("Trial {Trial} did not stop before deactivation ended", this.GetPrimaryKeyString());
            }
        }
        // Normally FinishAsync has done this; a worker that outlived the wait may never get back to it.
        _finishing = true;
        if (_spec is not null) metrics.TrialStopped(_spec);
        _timer?.Dispose();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    void StartWorker(TrialSpec spec, int attempt, long deliveredThroughStep)
    {
        _cancellation?.Dispose();
        _cancellation = new CancellationTokenSource();
        _measurements = Channel.CreateUnbounded<MeasurementRecord>(new UnboundedChannelOptions { SingleReader = true });
        _finishing = false;
        _trainingStartedAt = DateTimeOffset.UtcNow;
        _signals = new WorkerSignals(deliveredThroughStep);
        var period = options.Value.ReportInterval;
        _timer ??= this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = true });
        _worker = RunWorkerAsync(spec, attempt, _measurements.Writer, _signals, _cancellation.Token);
    }

    /// <summary>
    /// Started from grain code, so everything after the awaited slot run is back on the grain scheduler.
    /// It queues the trial before its first await: a prefetched trial is in the slot queue when StartAsync returns.
    /// </summary>
    async Task RunWorkerAsync(TrialSpec spec, int attempt, ChannelWriter<MeasurementRecord> writer, WorkerSignals signals, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var context = new TrialTrainingContext
        {
            OnMeasurement = r =>
            {
                signals.Measured(r.Step);
                writer.TryWrite(r);
            },
            OnProgress = p => signals.Progress = p,
            CancellationToken = cancellationToken,
            CheckpointPath = CheckpointPath(spec),
            DeliveredThroughStep = () => signals.DeliveredThroughStep,
            Device = capacity.Device,
            Attempt = attempt,
        };
        TrialResult? result = null;
        Exception? error = null;
        try
        {
            result = await capacity.RunAsync(() => TrainInSlot(trainer, spec, context, signals, logger), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new TrialResult { Status = TrialOutcomeStatus.Cancelled, Device = capacity.Device, Error = "cancelled while waiting for a training slot" };
        }
        catch (Exception e)
        {
            error = e;
            logger.LogError(e, "Trial {Trial} (dispatch {Dispatch}) failed", spec.GrainKey, attempt);
        }
        writer.TryComplete();
        await FinishAsync(spec, result, error, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Runs on a slot thread: only its arguments, never grain fields.</summary>
    static TrialResult TrainInSlot(ITrialTrainer trainer, TrialSpec spec, TrialTrainingContext context, WorkerSignals signals, ILogger logger)
    {
        signals.Training = true;
        logger.LogInformation("Trial {Trial} (dispatch {Dispatch}) starts training on {Device}; the coordinator holds its rows through step {Step}",
            spec.GrainKey, context.Attempt, context.Device, context.DeliveredThroughStep());
        return trainer.Train(spec, context);
    }

    async Task FinishAsync(TrialSpec spec, TrialResult? result, Exception? error, double wallSeconds)
    {
        // Finishing first: the rows still in the channel are taken after this (with the outcome, or by the
        // flush below) and must not put the ended trial back into the per-trial gauges.
        _finishing = true;
        metrics.TrialStopped(spec);
        if (_deactivating)
        {
            await RetryAsync(FlushAsync, "flush measurements");
            _timer?.Dispose();
            _timer = null;
            return;
        }
        var outcome = ToOutcome(spec, result, error, wallSeconds);
        _outcome = outcome;
        logger.LogInformation("Trial {Trial} (dispatch {Dispatch}) {State} after {Steps} steps; resumed from step {Resumed}",
            spec.GrainKey, outcome.Attempt, outcome.State, outcome.Steps, outcome.ResumedFromStep?.ToString() ?? "none (from scratch)");
        state.State = new TrialGrainState { Spec = spec, Attempt = _attempt, State = outcome.State, Outcome = outcome };
        _timer?.Dispose();
        _timer = null;
        bool delivered = await RetryAsync(() => ReportOutcomeAsync(outcome), "report outcome");
        if (delivered)
        {
            // The coordinator recorded the outcome before it answered, so nothing of this trial lives only here any more:
            // no state write (100,000 of them would be 100,000 stored outcomes nobody reads), and the activation goes
            // rather than sit in memory for the collection age. A state stored by an earlier, undelivered run is cleared.
            if (state.RecordExists) await TryPersistAsync(clear: true);
            DeactivateOnIdle();
            return;
        }
        // Undelivered: the outcome is stored, so a re-drive after this activation is gone re-sends it (when the
        // coordinator holds its rows) instead of training again. Until then this activation holds it in memory.
        logger.LogWarning("Trial {Trial} could not deliver its outcome; it keeps it and its rows until the coordinator re-drives it", spec.GrainKey);
        await TryPersistAsync(clear: false);
    }

    /// <summary>
    /// The last undelivered rows travel with the outcome, in one call after any flush in flight: the
    /// coordinator never takes an outcome without the rows before it, and the hand-off costs one call.
    /// </summary>
    Task ReportOutcomeAsync(TrialOutcome outcome) => InTurn(async () =>
    {
        var spec = _spec!;
        TakeMeasurements(spec);
        RecordSteps(spec);
        await GrainFactory.GetGrain<ISweepCoordinatorGrain>(spec.SweepId).ReportOutcomeAsync(outcome, _unsent.ToArray());
        _unsent.Clear();
    });

    async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        try { await FlushAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Trial {Trial} could not report; will retry", this.GetPrimaryKeyString()); }
    }

    /// <summary>
    /// Runs <paramref name="send"/> after every send started before it: the timer's flushes, the finishing
    /// worker's and the outcome report all send from <see cref="_unsent"/>, one at a time and in order.
    /// </summary>
    Task InTurn(Func<Task> send)
    {
        _flush = AfterAsync(_flush, send);
        return _flush;

        static async Task AfterAsync(Task previous, Func<Task> send)
        {
            try { await previous; }
            catch (Exception) { /* the previous caller saw it; the rows it kept go with this send */ }
            await send();
        }
    }

    Task FlushAsync() => InTurn(FlushNowAsync);

    async Task FlushNowAsync()
    {
        if (_spec is null) return;
        var spec = _spec;
        TakeMeasurements(spec);
        var coordinator = GrainFactory.GetGrain<ISweepCoordinatorGrain>(spec.SweepId);
        if (_unsent.Count > 0)
        {
            await coordinator.ReportMeasurementsAsync(spec.TrialId, _attempt, _unsent.ToArray());
            // Rows go in step order and the coordinator appends them before it answers.
            _signals.Delivered(_unsent[^1].Step);
            _unsent.Clear();
        }
        var status = RecordSteps(spec);
        if (_outcome is null && !_finishing) await coordinator.ReportProgressAsync(status);
    }

    /// <summary>Moves what the worker measured into the unsent rows, in step order.</summary>
    void TakeMeasurements(TrialSpec spec)
    {
        while (_measurements is not null && _measurements.Reader.TryRead(out var record))
        {
            var row = MeasurementRowMapper.ToRow(spec.TrialId, record, DateTimeOffset.UtcNow);
            metrics.MeasurementTaken(spec, row, trialRunning: !_finishing);
            _unsent.Add(row);
        }
    }

    /// <summary>Counts the steps trained since the last report into the throughput counters.</summary>
    TrialStatus RecordSteps(TrialSpec spec)
    {
        var status = BuildStatus();
        long delta = status.Step - _reportedSteps;
        if (delta > 0)
        {
            metrics.StepsTrained(spec.SweepId, capacity.Device, delta, delta * spec.Training.BatchSize);
            _reportedSteps = status.Step;
        }
        return status;
    }

    TrialStatus BuildStatus()
    {
        var progress = _signals.Progress;
        var state = _outcome?.State ?? (_spec is null ? TrialState.Queued : _signals.Training ? TrialState.Running : TrialState.Queued);
        return new TrialStatus
        {
            TrialId = _spec?.TrialId ?? "",
            State = state,
            Step = progress?.Step ?? 0,
            TotalSteps = progress?.TotalSteps ?? 0,
            Epoch = progress?.Epoch ?? 0,
            LastLoss = progress?.LastLoss ?? double.NaN,
            StepsPerSecond = progress?.StepsPerSecond ?? 0,
            Silo = localSilo.Name,
            Device = capacity.Device,
            Error = _outcome?.Error,
            Attempt = _attempt,
            UpdatedAt = DateTimeOffset.UtcNow,
            Label = _spec is null ? "" : SweepPlanner.Label(_spec),
            TrainingStartedAt = _outcome?.TrainingStartedAt ?? _trainingStartedAt,
        };
    }

    TrialOutcome ToOutcome(TrialSpec spec, TrialResult? r, Exception? error, double wallSeconds) => new()
    {
        TrialId = spec.TrialId,
        State = error is not null ? TrialState.Failed : r!.Status switch
        {
            TrialOutcomeStatus.Completed => TrialState.Completed,
            TrialOutcomeStatus.Diverged => TrialState.Diverged,
            TrialOutcomeStatus.Cancelled => TrialState.Cancelled,
            _ => TrialState.Failed,
        },
        Steps = r?.Steps ?? _signals.Progress?.Step ?? 0,
        Epochs = r?.Epochs ?? 0,
        FinalLoss = r?.FinalLoss ?? double.NaN,
        BestLoss = r?.BestLoss ?? double.NaN,
        FinalAccuracy = r?.FinalAccuracy ?? double.NaN,
        BestAccuracy = r?.BestAccuracy ?? double.NaN,
        FinalTestAccuracy = r?.FinalTestAccuracy ?? double.NaN,
        StepsToTargetLoss = r?.StepsToTargetLoss,
        WallSeconds = r is { WallSeconds: > 0 } ? r.WallSeconds : wallSeconds,
        Silo = localSilo.Name,
        Device = r?.Device ?? capacity.Device,
        Error = error is not null ? $"{error.GetType().Name}: {error.Message}" : r!.Error,
        ParameterCount = r?.ParameterCount ?? 0,
        Attempt = _attempt,
        ResumedFromStep = r?.ResumedFromStep,
        LastMeasuredStep = _signals.LastMeasuredStep,
        TrainingStartedAt = _trainingStartedAt,
        FinishedAt = DateTimeOffset.UtcNow,
    };

    string? CheckpointPath(TrialSpec spec)
    {
        string? root = spec.CheckpointDirectory ?? options.Value.CheckpointDirectory;
        if (string.IsNullOrWhiteSpace(root)) return null;
        string directory = Path.Combine(root, spec.SweepId);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, spec.TrialId + ".safetensors");
    }

    /// <summary>
    /// Tries with backoff (1, 2, 4, 8, then 15 s apart; about 1.5 minutes in all): the coordinator may be moving to
    /// another silo, or waiting for its storage to come back.
    /// </summary>
    async Task<bool> RetryAsync(Func<Task> action, string what)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await action();
                return true;
            }
            catch (Exception e) when (attempt < 10)
            {
                logger.LogWarning("Trial {Trial} could not {What} (try {Try}): {Error}", this.GetPrimaryKeyString(), what, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(15, 1 << (attempt - 1))));
            }
            catch (Exception e)
            {
                logger.LogError(e, "Trial {Trial} gave up trying to {What}", this.GetPrimaryKeyString(), what);
                return false;
            }
        }
    }

    /// <summary>Trial state is advisory (the coordinator re-drives from its own), so a storage hiccup is not fatal.</summary>
    async Task<bool> TryPersistAsync(bool clear)
    {
        try
        {
            if (clear) await state.ClearStateAsync();
            else await state.WriteStateAsync();
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Trial {Trial} could not persist its state", this.GetPrimaryKeyString());
            return false;
        }
    }
}
