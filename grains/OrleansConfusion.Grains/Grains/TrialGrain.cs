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
/// Trains one trial, or a fuse group (a configuration's seeds as one batched model, see
/// <see cref="ITrialTrainer.TrainFused"/>), on its silo, in one training slot. StartAsync starts one worker and returns;
/// the worker queues for a silo-local slot (a prefetched dispatch may wait behind another), where it trains on a slot
/// thread and writes each trial's measurements to that trial's channel. An interleaving timer drains the channels and
/// reports each trial's rows and status to the coordinator; when the worker ends, the wrapper resumes on the grain
/// scheduler and reports each trial's outcome together with its rows not yet sent. Everything the coordinator sees is
/// per trial (its own id and attempt), so it keeps its guarantees per seed whether the seeds trained fused or alone.
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
    TrialLane[] _lanes = [];
    CancellationTokenSource? _cancellation;
    Task? _worker;
    IGrainTimer? _timer;
    Task _flush = Task.CompletedTask;
    bool _deactivating;
    bool _finishing;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Outcomes this grain could not deliver are remembered, so a repeated start re-sends them instead of retraining.
        var stored = state.State;
        if (stored.Specs.Length == stored.Outcomes.Length)
            _lanes = [.. stored.Specs.Zip(stored.Outcomes, (spec, outcome) => new TrialLane(spec) { Attempt = outcome.Attempt, Outcome = outcome })];
        return Task.CompletedTask;
    }

    Task ITrialGrain.StartAsync(TrialSpec spec, int attempt, long deliveredThroughStep) =>
        StartLanesAsync([spec], [attempt], [deliveredThroughStep]);

    Task ITrialGrain.StartFusedAsync(TrialSpec[] seeds, int[] attempts, long[] deliveredThroughStep)
    {
        if (seeds.Length == 0 || attempts.Length != seeds.Length || deliveredThroughStep.Length != seeds.Length)
            throw new ArgumentException($"a fused start needs one attempt and one delivered step per seed; got {seeds.Length} seeds, {attempts.Length} attempts, {deliveredThroughStep.Length} steps");
        return StartLanesAsync(seeds, attempts, deliveredThroughStep);
    }

    async Task StartLanesAsync(TrialSpec[] specs, int[] attempts, long[] deliveredThroughStep)
    {
        // The coordinator's placement hint must not follow this trial's own calls.
        RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        if (_worker is { IsCompleted: false })
        {
            if (_cancellation!.IsCancellationRequested) await _worker;
            else
            {
                // Still training: a re-drive of trials that were only slow to report. Keep going under the new attempts.
                for (int i = 0; i < specs.Length; i++)
                {
                    var lane = Lane(specs[i].TrialId)
                        ?? throw new InvalidOperationException($"grain {this.GetPrimaryKeyString()} is training other trials; trial {specs[i].TrialId} cannot join them");
                    lane.Attempt = attempts[i];
                }
                return;
            }
        }

        var lanes = new TrialLane[specs.Length];
        var resend = new List<TrialLane>();
        var train = new List<(TrialLane Lane, long Delivered)>();
        for (int i = 0; i < specs.Length; i++)
        {
            if (Lane(specs[i].TrialId) is { Outcome: { State: TrialState.Completed or TrialState.Diverged } outcome } finished
                && deliveredThroughStep[i] >= outcome.LastMeasuredStep)
            {
                // Finished, and the coordinator holds every row: it missed only the outcome, so send it again.
                // Otherwise (rows lost with a coordinator, or a failed or cancelled run) the trial trains again,
                // from its newest checkpoint whose rows the coordinator holds.
                finished.Attempt = attempts[i];
                resend.Add(lanes[i] = finished);
            }
            else
            {
                lanes[i] = new TrialLane(specs[i]) { Attempt = attempts[i] };
                train.Add((lanes[i], deliveredThroughStep[i]));
            }
        }
        _lanes = lanes;
        foreach (var lane in resend) await ReportOutcomeAsync(lane, lane.Outcome! with { Attempt = lane.Attempt });
        // Nothing is stored at start: only undelivered outcomes are ever read back (OnActivateAsync), and the
        // coordinator remembers the start; a storage write here would only delay training.
        if (train.Count > 0) StartWorker(train);
        else if (resend.Count > 0) await ForgetDeliveredAsync();
    }

    Task<TrialStatus> ITrialGrain.GetStatusAsync() => Task.FromResult(_lanes.Length > 0 ? BuildStatus(_lanes[0]) : new TrialStatus { Silo = localSilo.Name, Device = capacity.Device });

    Task<TrialStatus[]> ITrialGrain.GetStatusesAsync() => Task.FromResult(_lanes.Select(BuildStatus).ToArray());

    Task ITrialGrain.CancelAsync()
    {
        _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A silo shutting down hands the trials back: no outcome is reported, the coordinator re-drives them
        // (from their checkpoints) on another silo once this one leaves the membership or goes quiet.
        _deactivating = true;
        _cancellation?.Cancel();
        if (_worker is not null)
        {
            try { await _worker.WaitAsync(cancellationToken); }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
                logger.LogWarning("Trial grain {Grain} did not stop before deactivation ended", this.GetPrimaryKeyString());
            }
        }
        // Normally FinishAsync has done this; a worker that outlived the wait may never get back to it.
        _finishing = true;
        foreach (var lane in _lanes) metrics.TrialStopped(lane.Spec);
        _timer?.Dispose();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    TrialLane? Lane(string trialId) => _lanes.FirstOrDefault(l => l.Spec.TrialId == trialId);

    void StartWorker(List<(TrialLane Lane, long Delivered)> train)
    {
        _cancellation?.Dispose();
        _cancellation = new CancellationTokenSource();
        _finishing = false;
        foreach (var (lane, delivered) in train) lane.Begin(delivered);
        var period = options.Value.ReportInterval;
        _timer ??= this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = true });
        _worker = RunWorkerAsync([.. train.Select(t => t.Lane)], _cancellation.Token);
    }

    /// <summary>
    /// Started from grain code, so everything after the awaited slot run is back on the grain scheduler.
    /// It queues the trials before its first await: a prefetched dispatch is in the slot queue when StartAsync returns.
    /// </summary>
    async Task RunWorkerAsync(TrialLane[] lanes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // The training thread gets these locals only, never a lane or a grain field.
        var specs = lanes.Select(l => l.Spec).ToArray();
        var signals = lanes.Select(l => l.Signals).ToArray();
        var contexts = lanes.Select(l => Context(l, cancellationToken)).ToArray();
        IReadOnlyList<TrialResult>? results = null;
        Exception? error = null;
        try
        {
            results = await capacity.RunAsync(() => TrainInSlot(trainer, specs, contexts, signals, logger), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            results = [.. lanes.Select(_ => new TrialResult { Status = TrialOutcomeStatus.Cancelled, Device = capacity.Device, Error = "cancelled while waiting for a training slot" })];
        }
        catch (Exception e)
        {
            error = e;
            logger.LogError(e, "Trial grain {Grain} ({Trials}) failed", this.GetPrimaryKeyString(), string.Join(", ", specs.Select(s => s.TrialId)));
        }
        foreach (var lane in lanes) lane.Measurements!.Writer.TryComplete();
        await FinishAsync(lanes, results, error, clock.Elapsed.TotalSeconds);
    }

    TrialTrainingContext Context(TrialLane lane, CancellationToken cancellationToken)
    {
        var signals = lane.Signals;
        var writer = lane.Measurements!.Writer;
        return new TrialTrainingContext
        {
            OnMeasurement = r =>
            {
                signals.Measured(r.Step);
                writer.TryWrite(r);
            },
            OnProgress = p => signals.Progress = p,
            CancellationToken = cancellationToken,
            CheckpointPath = CheckpointPath(lane.Spec),
            DeliveredThroughStep = () => signals.DeliveredThroughStep,
            Device = capacity.Device,
            Attempt = lane.Attempt,
        };
    }

    /// <summary>Runs on a slot thread: only its arguments, never grain fields.</summary>
    static IReadOnlyList<TrialResult> TrainInSlot(ITrialTrainer trainer, TrialSpec[] specs, TrialTrainingContext[] contexts, WorkerSignals[] signals, ILogger logger)
    {
        foreach (var s in signals) s.Training = true;
        for (int i = 0; i < specs.Length; i++)
            logger.LogInformation("Trial {Trial} (dispatch {Dispatch}) starts training on {Device}{Fused}; the coordinator holds its rows through step {Step}",
                specs[i].GrainKey, contexts[i].Attempt, contexts[i].Device, specs.Length > 1 ? $", fused with {specs.Length - 1} other seeds" : "", contexts[i].DeliveredThroughStep());
        if (specs.Length == 1) return [trainer.Train(specs[0], contexts[0])];
        var results = trainer.TrainFused(specs, contexts);
        if (results.Count != specs.Length) throw new InvalidOperationException($"the trainer returned {results.Count} results for {specs.Length} fused seeds");
        return results;
    }

    async Task FinishAsync(TrialLane[] lanes, IReadOnlyList<TrialResult>? results, Exception? error, double wallSeconds)
    {
        // Finishing first: the rows still in the channels are taken after this (with the outcomes, or by the
        // flush below) and must not put the ended trials back into the per-trial gauges.
        _finishing = true;
        foreach (var lane in lanes) metrics.TrialStopped(lane.Spec);
        if (_deactivating)
        {
            await RetryAsync(FlushAsync, "flush measurements");
            _timer?.Dispose();
            _timer = null;
            return;
        }
        for (int i = 0; i < lanes.Length; i++)
        {
            var lane = lanes[i];
            var outcome = lane.ToOutcome(results?[i], error, wallSeconds, localSilo.Name, capacity.Device);
            lane.Outcome = outcome;
            logger.LogInformation("Trial {Trial} (dispatch {Dispatch}) {State} after {Steps} steps; resumed from step {Resumed}",
                lane.Spec.GrainKey, outcome.Attempt, outcome.State, outcome.Steps, outcome.ResumedFromStep?.ToString() ?? "none (from scratch)");
        }
        _timer?.Dispose();
        _timer = null;
        // One retry budget for the group: each try sends the outcomes not yet delivered, in order.
        bool delivered = await RetryAsync(async () =>
        {
            foreach (var lane in lanes.Where(l => !l.OutcomeDelivered)) await ReportOutcomeAsync(lane, lane.Outcome!);
        }, "report outcome");
        if (delivered)
        {
            await ForgetDeliveredAsync();
            return;
        }
        // Undelivered: the outcomes are stored, so a re-drive after this activation is gone re-sends them (when the
        // coordinator holds their rows) instead of training again. Until then this activation holds them in memory.
        var undelivered = lanes.Where(l => !l.OutcomeDelivered).ToArray();
        logger.LogWarning("Trial grain {Grain} could not deliver the outcomes of {Trials}; it keeps them and their rows until the coordinator re-drives them",
            this.GetPrimaryKeyString(), string.Join(", ", undelivered.Select(l => l.Spec.TrialId)));
        state.State = new TrialGrainState { Specs = [.. undelivered.Select(l => l.Spec)], Outcomes = [.. undelivered.Select(l => l.Outcome!)] };
        await TryPersistAsync(clear: false);
    }

    /// <summary>
    /// Every outcome is delivered, and the coordinator recorded each before it answered, so nothing of these trials lives
    /// only here any more: no state write (100,000 of them would be 100,000 stored outcomes nobody reads), and the
    /// activation goes rather than sit in memory for the collection age. A state an undelivered run stored is cleared.
    /// </summary>
    async Task ForgetDeliveredAsync()
    {
        if (state.RecordExists) await TryPersistAsync(clear: true);
        DeactivateOnIdle();
    }

    /// <summary>
    /// The last undelivered rows travel with the outcome, in one call after any flush in flight: the
    /// coordinator never takes an outcome without the rows before it, and the hand-off costs one call.
    /// </summary>
    Task ReportOutcomeAsync(TrialLane lane, TrialOutcome outcome) => InTurn(async () =>
    {
        TakeMeasurements(lane);
        RecordSteps(lane);
        await GrainFactory.GetGrain<ISweepCoordinatorGrain>(lane.Spec.SweepId).ReportOutcomeAsync(outcome, lane.Unsent.ToArray());
        lane.Unsent.Clear();
        lane.OutcomeDelivered = true;
    });

    async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        try { await FlushAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Trial grain {Grain} could not report; will retry", this.GetPrimaryKeyString()); }
    }

    /// <summary>
    /// Runs <paramref name="send"/> after every send started before it: the timer's flushes, the finishing
    /// worker's and the outcome reports all send from the lanes' unsent rows, one at a time and in order.
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
        foreach (var lane in _lanes)
        {
            if (lane.Measurements is null) continue;
            TakeMeasurements(lane);
            var coordinator = GrainFactory.GetGrain<ISweepCoordinatorGrain>(lane.Spec.SweepId);
            if (lane.Unsent.Count > 0)
            {
                await coordinator.ReportMeasurementsAsync(lane.Spec.TrialId, lane.Attempt, lane.Unsent.ToArray());
                // Rows go in step order and the coordinator appends them before it answers.
                lane.Signals.Delivered(lane.Unsent[^1].Step);
                lane.Unsent.Clear();
            }
            var status = RecordSteps(lane);
            if (lane.Outcome is null && !_finishing) await coordinator.ReportProgressAsync(status);
        }
    }

    /// <summary>Moves what the worker measured into the lane's unsent rows, in step order.</summary>
    void TakeMeasurements(TrialLane lane)
    {
        while (lane.Measurements is not null && lane.Measurements.Reader.TryRead(out var record))
        {
            var row = MeasurementRowMapper.ToRow(lane.Spec.TrialId, record, DateTimeOffset.UtcNow);
            metrics.MeasurementTaken(lane.Spec, row, trialRunning: !_finishing);
            lane.Unsent.Add(row);
        }
    }

    /// <summary>Counts the steps trained since the last report into the throughput counters.</summary>
    TrialStatus RecordSteps(TrialLane lane)
    {
        var status = BuildStatus(lane);
        long delta = status.Step - lane.ReportedSteps;
        if (delta > 0)
        {
            metrics.StepsTrained(lane.Spec.SweepId, capacity.Device, delta, delta * lane.Spec.Training.BatchSize);
            lane.ReportedSteps = status.Step;
        }
        return status;
    }

    TrialStatus BuildStatus(TrialLane lane) => lane.Status(localSilo.Name, capacity.Device);

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
