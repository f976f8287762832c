using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// Trains one trial, or a fuse group (a configuration's seeds as one batched model, see
/// <see cref="ITrialTrainer.TrainFused"/>), on its silo, in one training slot. The grain keeps the worker's lifecycle and
/// the delivery to the coordinator; the decisions and the plumbing are plain classes: which trials a start trains
/// (<see cref="TrialStart"/>), each trial's buffers and outcome (<see cref="TrialLane"/>), the run in a slot
/// (<see cref="TrialWork"/>), sends in order (<see cref="SerialSends"/>) and retries (<see cref="ReportRetry"/>).
/// StartAsync starts one worker and returns; an interleaving timer drains each trial's measurements to the
/// coordinator; when the worker ends, this grain reports each trial's outcome with its rows not yet sent. Everything
/// the coordinator sees is per trial (its own id and attempt), whether the seeds trained fused or alone.
/// </summary>
[TrainingPlacement]
public sealed class TrialGrain(
    [PersistentState("trial", StorageNames.Sweeps)] IPersistentState<TrialGrainState> stored,
    ITrialTrainer trainer,
    SiloTrainingCapacity capacity,
    ILocalSiloDetails localSilo,
    IOptions<TrialSchedulingOptions> options,
    ConfusionMetrics metrics,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    readonly SerialSends _sends = new();
    TrialLane[] _lanes = [];
    CancellationTokenSource? _cancellation;
    Task? _worker;
    IGrainTimer? _timer;
    bool _deactivating;
    bool _finishing;

    string GrainKey => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Outcomes this grain could not deliver are remembered, so a repeated start re-sends them instead of retraining.
        var kept = stored.State;
        if (kept.Specs.Length == kept.Outcomes.Length)
            _lanes = [.. kept.Specs.Zip(kept.Outcomes, (spec, outcome) => new TrialLane(spec) { Attempt = outcome.Attempt, Outcome = outcome })];
        return Task.CompletedTask;
    }

    Task ITrialGrain.StartAsync(TrialSpec spec, int attempt, long deliveredThroughStep) => StartLanesAsync([spec], [attempt], [deliveredThroughStep]);

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
            if (!_cancellation!.IsCancellationRequested)
            {
                TrialStart.Rejoin(_lanes, specs, attempts, GrainKey);
                return;
            }
            await _worker;
        }
        var start = TrialStart.Decide(_lanes, specs, attempts, deliveredThroughStep);
        _lanes = start.Lanes;
        foreach (var lane in start.Resend) await ReportOutcomeAsync(lane, lane.Outcome! with { Attempt = lane.Attempt });
        // Nothing is stored at start: only undelivered outcomes are ever read back (OnActivateAsync), and the
        // coordinator remembers the start; a storage write here would only delay training.
        if (start.Train.Length > 0) StartWorker(start.Train);
        else if (start.Resend.Length > 0) await ForgetDeliveredAsync();
    }

    Task<TrialStatus> ITrialGrain.GetStatusAsync() =>
        Task.FromResult(_lanes.Length > 0 ? Status(_lanes[0]) : new TrialStatus { Silo = localSilo.Name, Device = capacity.Device });

    Task<TrialStatus[]> ITrialGrain.GetStatusesAsync() => Task.FromResult(_lanes.Select(Status).ToArray());

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
                logger.LogWarning("Trial grain {Grain} did not stop before deactivation ended", GrainKey);
            }
        }
        // Normally FinishAsync has done this; a worker that outlived the wait may never get back to it.
        _finishing = true;
        foreach (var lane in _lanes) metrics.TrialStopped(lane.Spec);
        _timer?.Dispose();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    void StartWorker((TrialLane Lane, long Delivered)[] train)
    {
        _cancellation?.Dispose();
        _cancellation = new CancellationTokenSource();
        _finishing = false;
        foreach (var (lane, delivered) in train) lane.Begin(delivered);
        var period = options.Value.ReportInterval;
        _timer ??= this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = true });
        _worker = RunWorkerAsync([.. train.Select(t => t.Lane)], _cancellation.Token);
    }

    /// <summary>Started from grain code, so everything after the slot run is back on the grain scheduler.</summary>
    async Task RunWorkerAsync(TrialLane[] lanes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ended = await TrialWork.RunAsync(lanes, capacity, trainer, CheckpointPath, GrainKey, logger, cancellationToken);
        await FinishAsync(lanes, ended, clock.Elapsed.TotalSeconds);
    }

    async Task FinishAsync(TrialLane[] lanes, TrialWork.Ended ended, double wallSeconds)
    {
        // Finishing first: the rows still buffered are taken after this (with the outcomes, or by the flush below) and
        // must not put the ended trials back into the per-trial gauges.
        _finishing = true;
        foreach (var lane in lanes) metrics.TrialStopped(lane.Spec);
        _timer?.Dispose();
        _timer = null;
        if (_deactivating)
        {
            await ReportRetry.RunAsync(FlushAsync, "flush measurements", GrainKey, logger);
            return;
        }
        for (int i = 0; i < lanes.Length; i++)
        {
            var outcome = lanes[i].Outcome = lanes[i].ToOutcome(ended.Results?[i], ended.Error, wallSeconds, localSilo.Name, capacity.Device);
            logger.LogInformation("Trial {Trial} (dispatch {Dispatch}) {State} after {Steps} steps; resumed from step {Resumed}",
                lanes[i].Spec.GrainKey, outcome.Attempt, outcome.State, outcome.TrainedSteps, outcome.ResumedFromStep?.ToString() ?? "none (from scratch)");
        }
        // One retry budget for the group: each try sends the outcomes not yet delivered, in order.
        bool delivered = await ReportRetry.RunAsync(async () =>
        {
            foreach (var lane in lanes.Where(l => !l.OutcomeDelivered)) await ReportOutcomeAsync(lane, lane.Outcome!);
        }, "report outcome", GrainKey, logger, onRetry: (attempt, e) =>
        {
            foreach (var lane in lanes.Where(l => !l.OutcomeDelivered)) lane.Log("warning", $"could not report its outcome (try {attempt}): {e?.Message}", localSilo.Name);
        });
        if (delivered)
        {
            await ForgetDeliveredAsync();
            return;
        }
        // Undelivered: the outcomes are stored, so a re-drive after this activation is gone re-sends them (when the
        // coordinator holds their rows) instead of training again. Until then this activation holds them in memory.
        var undelivered = lanes.Where(l => !l.OutcomeDelivered).ToArray();
        logger.LogWarning("Trial grain {Grain} could not deliver the outcomes of {Trials}; it keeps them and their rows until the coordinator re-drives them",
            GrainKey, string.Join(", ", undelivered.Select(l => l.Spec.TrialId)));
        stored.State = new TrialGrainState { Specs = [.. undelivered.Select(l => l.Spec)], Outcomes = [.. undelivered.Select(l => l.Outcome!)] };
        await TryPersistAsync(clear: false);
    }

    /// <summary>
    /// Every outcome is delivered, and the coordinator recorded each before it answered, so nothing of these trials lives
    /// only here any more: no state write (100,000 of them would be 100,000 stored outcomes nobody reads), and the
    /// activation goes rather than sit in memory for the collection age. A state an undelivered run stored is cleared.
    /// </summary>
    async Task ForgetDeliveredAsync()
    {
        if (stored.RecordExists) await TryPersistAsync(clear: true);
        DeactivateOnIdle();
    }

    /// <summary>
    /// The last undelivered rows travel with the outcome, in one call after any send in flight, so the coordinator never
    /// takes an outcome without the rows before it. Rows beyond what one buffer holds go first, as measurements.
    /// </summary>
    Task ReportOutcomeAsync(TrialLane lane, TrialOutcome outcome) => _sends.Enqueue(async () =>
    {
        var coordinator = GrainFactory.GetGrain<ISweepCoordinatorGrain>(lane.Spec.SweepId);
        for (TakeMeasurements(lane); lane.HasBuffered; TakeMeasurements(lane))
        {
            await coordinator.ReportMeasurementsAsync(lane.Spec.TrialId, lane.Attempt, [.. lane.Unsent]);
            lane.Sent();
        }
        RecordSteps(lane);
        if (lane.Logs.Count > 0)
        {
            await coordinator.ReportLogsAsync([.. lane.Logs]);
            lane.Logs.Clear();
        }
        await coordinator.ReportOutcomeAsync(outcome, [.. lane.Unsent]);
        lane.Sent();
        lane.OutcomeDelivered = true;
    });

    async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        try { await FlushAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Trial grain {Grain} could not report; will retry", GrainKey); }
    }

    Task FlushAsync() => _sends.Enqueue(async () =>
    {
        foreach (var lane in _lanes.Where(l => l.HasRun))
        {
            TakeMeasurements(lane);
            var coordinator = GrainFactory.GetGrain<ISweepCoordinatorGrain>(lane.Spec.SweepId);
            if (lane.Unsent.Count > 0)
            {
                // Rows go in step order and the coordinator appends them before it answers.
                await coordinator.ReportMeasurementsAsync(lane.Spec.TrialId, lane.Attempt, [.. lane.Unsent]);
                lane.Sent();
            }
            var status = RecordSteps(lane);
            if (lane.Outcome is null && !_finishing) await coordinator.ReportProgressAsync(status);
        }
    });

    int TakeMeasurements(TrialLane lane)
    {
        var now = DateTimeOffset.UtcNow;
        var taken = lane.TakeMeasurements(r => MeasurementRowMapper.ToRow(lane.Spec.TrialId, r, now));
        foreach (var row in taken) metrics.MeasurementTaken(lane.Spec, row, trialRunning: !_finishing);
        return taken.Count;
    }

    /// <summary>Counts the steps trained since the last report into the throughput counters.</summary>
    TrialStatus RecordSteps(TrialLane lane)
    {
        var status = Status(lane);
        long delta = status.Step - lane.ReportedSteps;
        if (delta > 0)
        {
            metrics.StepsTrained(lane.Spec.SweepId, capacity.Device, delta, delta * lane.Spec.Training.BatchSize);
            lane.ReportedSteps = status.Step;
        }
        return status;
    }

    TrialStatus Status(TrialLane lane) => lane.Status(localSilo.Name, capacity.Device);

    string? CheckpointPath(TrialSpec spec)
    {
        string? root = spec.CheckpointDirectory ?? options.Value.CheckpointDirectory;
        if (string.IsNullOrWhiteSpace(root)) return null;
        string directory = Path.Combine(root, spec.SweepId);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, spec.TrialId + ".safetensors");
    }

    /// <summary>Trial state is advisory (the coordinator re-drives from its own), so a storage hiccup is not fatal.</summary>
    async Task TryPersistAsync(bool clear)
    {
        try
        {
            if (clear) await stored.ClearStateAsync();
            else await stored.WriteStateAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Trial {Trial} could not persist its state", GrainKey);
        }
    }
}
