using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// One per sweep (key = spec name): the Orleans shell around the sweep's <see cref="Sweep"/> (its decisions) and
/// <see cref="SweepRecorder"/> (its record). It turns their answers into grain calls, timers, a reminder, state writes
/// and metrics, and decides nothing itself. Every delivered row is in the record before it is acknowledged; an outcome
/// counts only once its rows are held. A timer (and a reminder, should the activation be lost) runs the watchdog and
/// dispatches as capacity frees. The stored state is small and written on submit, activation, cancel and the end,
/// never per trial; progress lives in the record, which an activation streams back in (see <see cref="SweepOutput"/>).
/// </summary>
public sealed class SweepCoordinatorGrain(
    [PersistentState("sweep", StorageNames.Sweeps)] IPersistentState<SweepCoordinatorState> stored,
    ClusterCapacity cluster,
    IOptions<TrialSchedulingOptions> scheduling,
    IOptions<ParquetSinkOptions> sinkOptions,
    ConfusionMetrics metrics,
    ILogger<SweepCoordinatorGrain> logger) : Grain, ISweepCoordinatorGrain, IRemindable
{
    /// <summary>Rejected grid points kept in the state (and shown); the rest are counted.</summary>
    internal const int RejectedShown = 100;

    SweepStateStore? _store;
    TrialCalls? _calls;
    SweepEnding? _ending;
    SweepRecorder? _recorder;
    IGrainTimer? _timer;
    bool _watchdogRegistered;
    DateTime _nextOwnershipCheck;
    CoordinatorOutput? _output;
    readonly StatusFeed _feed = new();

    // The sweep's end in progress, off every caller's path. It yields false when it did not end the sweep (failed, or
    // more to do), and is then cleared for the next pass.
    Task<bool>? _finishing;

    string SweepId => this.GetPrimaryKeyString();

    SweepStateStore Store => _store ??= NewStore();

    TrialCalls Calls => _calls ??= new TrialCalls(GrainFactory, SweepId, metrics, logger, afterStartFailed: Drive);

    SweepEnding Ending => _ending ??= new SweepEnding(SweepId, Store, logger);

    CoordinatorOutput Output => _output ??= new CoordinatorOutput(SweepId, () => _recorder, Store, metrics, logger, FailAsync);

    SweepCoordinatorState State => Store.State;

    Sweep? Sweep => _recorder?.Sweep;

    bool Driving => State.State == SweepState.Running && Sweep is not null && Store.FencedBy is null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Spec is null) return;
        metrics.SweepActive(SweepId);
        await OpenAsync(SweepPlanner.Plan(State.Spec), State.OutputDirectory, rerunUnfinished: false, cancellationToken);
        if (State.State != SweepState.Running) return;
        // Claim the sweep: the stored generation moves, so an older activation still alive somewhere is fenced at its next write.
        State.Generation = _recorder!.Output.Generation;
        await Store.SaveAsync();
        StartTimer();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.SetSweepCounts(SweepId, null);
        if (_finishing is not null)
        {
            try { await _finishing.WaitAsync(cancellationToken); }
            catch (OperationCanceledException) { logger.LogWarning("Sweep {Sweep}: deactivated before its final files were written; its next activation writes them", SweepId); }
        }
        if (_recorder is not null) await _recorder.DisposeAsync();
    }

    public async Task<SweepSubmission> SubmitAsync(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Store.ThrowIfFenced();
        var plan = SweepPlanner.Plan(spec);
        SubmitRules.ThrowIfInvalid(spec, plan, SweepId);
        string directory = sinkOptions.Value.SweepDirectory(spec.OutputDirectory, spec.Name);
        SubmitRules.ThrowIfMoved(SweepId, State.Spec is null ? null : State.OutputDirectory, directory);
        if (_finishing is not null) await _finishing;
        _finishing = null;

        // The same trials (ids are deterministic): keep the sweep, no re-read of the record inside this call.
        if (Sweep is { } kept && State.OutputDirectory == directory && kept.HasSamePlan(plan.Trials, plan.FuseGroups)) kept.RequeueUnfinished();
        else await OpenAsync(plan, directory, rerunUnfinished: true, CancellationToken.None);
        var sweep = Sweep!;
        State.Accept(spec, directory, plan, _recorder!.Output.Generation, RejectedShown);
        await Store.SaveAsync();
        await _recorder.Output.WriteSpecAsync(spec);
        metrics.SweepActive(SweepId);
        StartTimer();
        var submission = SubmitRules.Submission(SweepId, plan, sweep, State.Rejected, directory);
        logger.LogInformation("Sweep {Sweep}: {Trials} trials ({Finished} already finished, {Rejected} grid points rejected), output {Output}, generation {Generation}",
            SweepId, submission.Trials, submission.AlreadyFinished, plan.Rejected.Count, directory, State.Generation);
        Drive();
        // Not awaited: the reminder only matters if this activation is lost; each timer tick retries until it is in.
        if (State.State == SweepState.Running) _ = EnsureWatchdogAsync();
        return submission;
    }

    public Task<SweepStatus> GetStatusAsync() => Task.FromResult(Status());

    public IAsyncEnumerable<SweepStatus> WatchAsync(CancellationToken cancellationToken = default) =>
        _feed.FollowAsync(Status, scheduling.Value.WatchInterval, scheduling.Value.WatchKeepAlive, cancellationToken);

    public Task<SweepResultsPage> GetResultsAsync(int offset, int count) => Task.FromResult(_recorder?.ResultsPage(SweepId, State.Header(SweepId).State, offset, count)
        ?? new SweepResultsPage { SweepId = SweepId, State = State.Header(SweepId).State, Offset = offset });

    public async Task CancelAsync()
    {
        Store.ThrowIfFenced();
        if (State.State != SweepState.Running || Sweep is null) return;
        State.CancelRequested = true;
        await Store.SaveAsync();
        Sweep.CancelQueued("cancelled before it started", DateTimeOffset.UtcNow);
        await Output.RecordDecidedAsync();
        foreach (var unit in Sweep.RunningUnits()) _ = Calls.CancelAsync(Sweep, unit);
        Drive();
    }

    public async Task ReportMeasurementsAsync(string trialId, int attempt, MeasurementRow[] rows)
    {
        var sweep = ThrowIfUnknown();
        if (!sweep.Ledger.TryIndex(trialId, out int index)) return;
        await Output.WritingAsync(() => _recorder!.DeliverAsync(index, rows));
        sweep.Heard(index, attempt, DateTimeOffset.UtcNow);
        _feed.Changed();
    }

    public async Task ReportProgressAsync(TrialStatus status)
    {
        if (!Driving) return;
        if (Sweep!.OnProgress(status, SlotsOf, DateTimeOffset.UtcNow) is int attempt)
            await Output.WritingAsync(() => _recorder!.Output.AppendStartAsync(status.TrialId, attempt, status.TrainingStartedAt));
        _feed.Changed();
    }

    public async Task ReportLogsAsync(TrialLogRow[] logs)
    {
        ThrowIfUnknown();
        await Output.LogAsync(logs);
    }

    public Task<TrialLogRow[]> GetLogsAsync(string? trialId, int count) => Task.FromResult(Output.NewestLogs(trialId, count));

    public async Task ReportOutcomeAsync(TrialOutcome outcome, MeasurementRow[] lastRows)
    {
        ThrowIfUnknown();
        if (lastRows.Length > 0) await ReportMeasurementsAsync(outcome.TrialId, outcome.Attempt, lastRows);
        await Output.OutcomeAsync(outcome, State.CancelRequested, SlotsOf);
        Drive();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.State != SweepState.Running)
        {
            await WatchdogReminder.UnregisterAsync(this);
            return;
        }
        _watchdogRegistered = true;
        StartTimer();
        await TickAsync();
    }

    /// <summary>
    /// A trial reports to a coordinator with no sweep only when the sweep's state was lost (memory storage on a silo that
    /// died, or a Redis without persistence that restarted). Refused rather than acknowledged and dropped: the trial keeps
    /// its rows and outcome and sends them again once the spec is resubmitted.
    /// </summary>
    Sweep ThrowIfUnknown()
    {
        Store.ThrowIfFenced();
        return State.Spec is not null && Sweep is { } sweep ? sweep
            : throw new InvalidOperationException($"sweep '{SweepId}' is not known to its coordinator (its state was lost); resubmit the spec to resume it");
    }

    /// <summary>Builds the sweep from the plan and folds the output's records into it (streamed; see <see cref="SweepOutput.LoadAsync"/>).</summary>
    async Task OpenAsync(SweepPlan plan, string directory, bool rerunUnfinished, CancellationToken cancellationToken)
    {
        var recorder = await SweepRecorder.OpenForCoordinatorAsync(plan, directory, rerunUnfinished, logger, sinkOptions.Value, cancellationToken);
        if (_recorder is not null) await _recorder.DisposeAsync();
        _recorder = recorder;
    }

    void StartTimer()
    {
        var period = scheduling.Value.DispatchInterval;
        _timer ??= this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    /// <summary>The timer's pass: check ownership, take back the lost, then dispatch; O(running trials + silos), never O(trials).</summary>
    async Task TickAsync()
    {
        if (Driving && DateTime.UtcNow >= _nextOwnershipCheck)
        {
            _nextOwnershipCheck = DateTime.UtcNow + scheduling.Value.OwnershipCheckInterval;
            await Store.CheckOwnershipAsync(e => logger.LogDebug(e, "Sweep {Sweep}: could not read its state back to check ownership", SweepId));
        }
        if (Driving)
        {
            var now = DateTime.UtcNow;
            await Output.LostAsync(Sweep!.Watchdog(cluster.IsActive, now - scheduling.Value.StaleAfter), now);
            await Output.SealDueAsync(now, () => Driving);
            _ = EnsureWatchdogAsync();
        }
        Drive();
    }

    /// <summary>Dispatch into free capacity, then move towards the end if the sweep allows it.</summary>
    void Drive()
    {
        if (Driving)
        {
            var sweep = Sweep!;
            if (!State.CancelRequested) Calls.Dispatch(sweep, cluster.ActiveSilos(), State.Spec!.MaxConcurrentTrials, scheduling.Value.PrefetchPerSilo);
            if (sweep.NextEnd(State.CancelRequested) == SweepEnd.CancelQueued) sweep.CancelQueued("cancelled", DateTimeOffset.UtcNow);
            if (sweep.Decided.Count > 0) _ = Output.RecordDecidedQuietlyAsync();
            if (_finishing is { IsCompleted: true } done && !done.Result) _finishing = null;
            if (sweep.NextEnd(State.CancelRequested) == SweepEnd.Finish) _finishing ??= FinishAsync();
        }
        _feed.Changed();
        metrics.SetSweepCounts(SweepId, State.Spec is null ? null : Status());
    }

    /// <summary>A silo not (or no longer) in the membership holds nothing back.</summary>
    int SlotsOf(string? silo) => cluster.ActiveSilos().FirstOrDefault(s => s.Name == silo)?.Slots ?? int.MaxValue;

    /// <summary>
    /// The output failed to take a write (the disk is full, gone or not allowed): the sweep ends Failed with the path and
    /// the reason, in the state and in status, and its running trials are cancelled; a resubmit resumes it.
    /// </summary>
    async Task FailAsync(string why, Exception e)
    {
        if (State.State != SweepState.Running || Store.FencedBy is not null) return;
        logger.LogError(e, "Sweep {Sweep} failed: {Why}; it stops, and a resubmit resumes it", SweepId, why);
        (State.State, State.Error, State.FinishedAt) = (SweepState.Failed, why, DateTimeOffset.UtcNow);
        _timer?.Dispose();
        _timer = null;
        foreach (var unit in Sweep?.RunningUnits() ?? []) _ = Calls.CancelAsync(Sweep!, unit);
        try { await Store.SaveAsync(); }
        catch (Exception save) when (Store.FencedBy is null) { logger.LogWarning(save, "Sweep {Sweep}: could not store that it failed", SweepId); }
        Drive();
    }

    /// <summary>The final files, then the sweep stored as ended (see <see cref="SweepEnding.FinishAsync"/>).</summary>
    Task<bool> FinishAsync() => Ending.FinishAsync(_recorder!, Output.RecordDecidedAsync, ended: () =>
    {
        _timer?.Dispose();
        _timer = null;
        Drive();
        _ = WatchdogReminder.UnregisterQuietlyAsync(this, logger);
    });

    async Task EnsureWatchdogAsync()
    {
        if (_watchdogRegistered) return;
        _watchdogRegistered = true;
        if (!await WatchdogReminder.RegisterAsync(this, logger)) _watchdogRegistered = false;
    }

    /// <summary>From the sweep's counters and its running trials: O(running trials), whatever the sweep's size.</summary>
    SweepStatus Status() => Sweep?.Status(State.Header(SweepId)) ?? State.Header(SweepId);

    SweepStateStore NewStore()
    {
        var store = new SweepStateStore(SweepId, stored);
        store.Fenced += (why, e) =>
        {
            // Stops this activation for good: no dispatch, no writes; its callers get an error and retry into the current one.
            logger.LogError(e, "Sweep {Sweep}: {Why}; this activation stops and writes nothing more", SweepId, why);
            _timer?.Dispose();
            _timer = null;
            DeactivateOnIdle();
        };
        return store;
    }
}
