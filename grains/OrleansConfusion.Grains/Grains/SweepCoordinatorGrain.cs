using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using Orleans.Storage;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// One per sweep (key = spec name): a thin shell around the sweep's <see cref="TrialBook"/> and its
/// <see cref="SweepOutput"/>. It dispatches trials as cluster capacity frees (never all at once), writes every
/// delivered row to the output's record before acknowledging it, and takes an outcome only when it holds the
/// trial's rows. A timer (and a reminder, should the activation be lost) re-drives trials that went quiet or
/// whose silo left the cluster; a re-driven trial resumes from its checkpoint.
/// <para>
/// The grain state is small and does not grow with the sweep: the spec (the plan is rebuilt from it, trial ids being
/// deterministic), the sweep's state and the output folder. Progress lives in the output's append-only records,
/// the one source of truth, which the activation streams back in. The state is written on submit, on activation,
/// on cancel and at the end, never per trial. An etag conflict means another activation wrote it: this one then
/// stops (it is "fenced") rather than overwrite.
/// </para>
/// </summary>
public sealed class SweepCoordinatorGrain(
    [PersistentState("sweep", StorageNames.Sweeps)] IPersistentState<SweepCoordinatorState> state,
    ClusterCapacity cluster,
    IOptions<TrialSchedulingOptions> scheduling,
    IOptions<ParquetSinkOptions> sinkOptions,
    ConfusionMetrics metrics,
    ILogger<SweepCoordinatorGrain> logger) : Grain, ISweepCoordinatorGrain, IRemindable
{
    /// <summary>Rejected grid points kept in the state (and shown); the rest are counted.</summary>
    internal const int RejectedShown = 100;

    readonly SemaphoreSlim _saveLock = new(1, 1);
    SweepRecorder? _recorder;
    IGrainTimer? _timer;
    bool _watchdogRegistered;
    string? _fencedBy;
    DateTime _nextOwnershipCheck;

    // The sweep's end in progress, off every caller's path: cancelling the queue, or writing the final files. It
    // yields false when it did not end the sweep (failed, or more to do), and is then cleared for the next pass.
    Task<bool>? _finishing;

    string SweepId => this.GetPrimaryKeyString();

    SweepCoordinatorState S => state.State;

    TrialBook? _book => _recorder?.Book;

    SweepOutput? _output => _recorder?.Output;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is null) return;
        metrics.SweepActive(SweepId);
        await OpenAsync(S.Spec, S.OutputDirectory, rerunUnfinished: false, cancellationToken);
        if (S.State != SweepState.Running) return;
        // Claim the sweep: the stored generation moves, so an older activation still alive somewhere is fenced at its next write.
        S.Generation = _output!.Generation;
        await SaveAsync();
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
        ThrowIfFenced();
        var plan = SweepPlanner.Plan(spec);
        if (!plan.IsValid)
            throw new ArgumentException($"sweep spec '{spec.Name}' is invalid:{Environment.NewLine} - {string.Join(Environment.NewLine + " - ", plan.Errors)}");
        if (spec.Name != SweepId)
            throw new ArgumentException($"spec name '{spec.Name}' does not match the coordinator's sweep id '{SweepId}'");

        string directory = sinkOptions.Value.SweepDirectory(spec.OutputDirectory, spec.Name);
        if (S.Spec is not null && S.OutputDirectory != directory)
            throw new SpecRejectedException("output_dir",
                $"sweep '{SweepId}' already writes to '{S.OutputDirectory}', and its rows are there; resubmitting it to '{directory}' " +
                "would start over without them. Resubmit with the same output folder, or give the sweep another name");
        if (_finishing is not null) await _finishing;
        _finishing = null;

        // The same trials (ids are deterministic): keep the book, no re-read of the record inside this call.
        if (_book is not null && S.OutputDirectory == directory && _book.HasSamePlan(plan.Trials, plan.FuseGroups)) _book.RequeueUnfinished();
        else await OpenAsync(spec, directory, rerunUnfinished: true, CancellationToken.None);
        var book = _book!;

        S.Spec = spec;
        S.OutputDirectory = directory;
        S.Rejected = plan.Rejected.Take(RejectedShown).Select(r => r.ToString()).ToArray();
        S.RejectedCount = plan.Rejected.Count;
        S.CancelRequested = false;
        S.State = SweepState.Running;
        S.StartedAt ??= DateTimeOffset.UtcNow;
        S.FinishedAt = null;
        S.Generation = _output!.Generation;
        await SaveAsync();
        metrics.SweepActive(SweepId);
        StartTimer();
        int alreadyFinished = book.CountOf(TrialState.Completed) + book.CountOf(TrialState.Diverged);
        logger.LogInformation("Sweep {Sweep}: {Trials} trials ({Finished} already finished, {Rejected} grid points rejected), output {Output}, generation {Generation}",
            SweepId, book.Count, alreadyFinished, plan.Rejected.Count, directory, S.Generation);
        Drive();
        // Not awaited: the reminder only matters if this activation is lost, and nothing need wait for the
        // reminder table (milliseconds, more on a fresh silo). Each timer tick retries until it is in.
        if (S.State == SweepState.Running) _ = EnsureWatchdogAsync();
        var (fuseGroups, fusedTrials) = plan.Fused();
        return new SweepSubmission
        {
            SweepId = SweepId,
            FuseGroups = fuseGroups,
            FusedTrials = fusedTrials,
            Trials = book.Count,
            AlreadyFinished = alreadyFinished,
            Rejected = S.Rejected,
            OutputDirectory = directory,
        };
    }

    public Task<SweepStatus> GetStatusAsync() => Task.FromResult(BuildStatus());

    public Task<SweepResultsPage> GetResultsAsync(int offset, int count)
    {
        bool ended = S.State is SweepState.Completed or SweepState.Cancelled;
        return Task.FromResult(new SweepResultsPage
        {
            SweepId = SweepId,
            State = S.Spec is null ? SweepState.NotFound : S.State,
            TotalTrials = _book?.Count ?? 0,
            Offset = offset,
            Trials = _book is null ? [] : TrialResultRows.Page(_book, offset, count),
            TrialsFile = ended && _output is not null ? _output.TrialsPath : "",
            MetricsFile = ended && _output is not null ? _output.MetricsPath : "",
            MeasurementRows = _book?.MeasurementRows ?? 0,
        });
    }

    public async Task CancelAsync()
    {
        ThrowIfFenced();
        if (S.State != SweepState.Running || _book is null) return;
        S.CancelRequested = true;
        await SaveAsync();
        await CancelQueuedAsync("cancelled before it started");
        foreach (var unit in _book.Running.Select(t => t.Unit).Distinct().ToList()) _ = CancelTrialAsync(GrainKey(_book, unit));
        CompleteIfDone();
    }

    public async Task ReportMeasurementsAsync(string trialId, int attempt, MeasurementRow[] rows)
    {
        var book = ThrowIfUnknown();
        if (!book.TryIndex(trialId, out int index)) return;
        await _recorder!.DeliverAsync(index, rows);
        book.Heard(index, attempt, DateTimeOffset.UtcNow);
    }

    public async Task ReportProgressAsync(TrialStatus status)
    {
        if (S.State != SweepState.Running || _book is null || _fencedBy is not null) return;
        if (_book.Progress(status, SlotsOf, DateTimeOffset.UtcNow) is int attempt)
            await _output!.AppendStartAsync(status.TrialId, attempt, status.TrainingStartedAt);
    }

    public async Task ReportOutcomeAsync(TrialOutcome outcome, MeasurementRow[] lastRows)
    {
        var book = ThrowIfUnknown();
        if (lastRows.Length > 0) await ReportMeasurementsAsync(outcome.TrialId, outcome.Attempt, lastRows);
        var (verdict, numbered) = await _recorder!.FinishAsync(outcome, S.CancelRequested);
        switch (verdict)
        {
            case OutcomeVerdict.Taken:
                metrics.TrialFinished(SweepId, numbered.State);
                if (numbered.Silo is { } silo) book.PromoteWaiting(silo, SlotsOf(silo));
                break;
            case OutcomeVerdict.RowsMissing:
                book.TryIndex(outcome.TrialId, out int index);
                logger.LogWarning("Sweep {Sweep}: trial {Trial} reported {State} with a measurement at step {Step}, but the coordinator holds its rows only through step {Held}; re-driving it from its newest checkpoint whose rows are held",
                    SweepId, outcome.TrialId, outcome.State, outcome.LastMeasuredStep, book.DeliveredThrough(index));
                break;
        }
        Drive();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.State != SweepState.Running)
        {
            await UnregisterWatchdogAsync();
            return;
        }
        _watchdogRegistered = true;
        StartTimer();
        await TickAsync();
    }

    /// <summary>
    /// A trial reports to a coordinator with no sweep only when the sweep's state was lost (memory storage on a silo
    /// that died, or a Redis without persistence that restarted). Refused rather than acknowledged and dropped: the
    /// trial keeps its rows and outcome and sends them again once the spec is resubmitted.
    /// </summary>
    TrialBook ThrowIfUnknown()
    {
        ThrowIfFenced();
        if (S.Spec is null || _book is null)
            throw new InvalidOperationException($"sweep '{SweepId}' is not known to its coordinator (its state was lost); resubmit the spec to resume it");
        return _book;
    }

    void ThrowIfFenced()
    {
        if (_fencedBy is not null)
            throw new InvalidOperationException($"this activation of sweep '{SweepId}' was superseded ({_fencedBy}); retry to reach the current one");
    }

    /// <summary>Builds the book from the plan and folds the output's records into it (streamed; see <see cref="SweepOutput.LoadAsync"/>).</summary>
    async Task OpenAsync(SweepSpec spec, string directory, bool rerunUnfinished, CancellationToken cancellationToken)
    {
        var plan = SweepPlanner.Plan(spec);
        SweepRecorder recorder;
        LoadSummary loaded;
        try
        {
            (recorder, loaded) = await SweepRecorder.OpenAsync(plan, directory, rerunUnfinished, logger, cancellationToken);
        }
        catch (InvalidOperationException e) when (rerunUnfinished)
        {
            throw new SpecRejectedException("output_dir", e.Message);
        }
        if (_recorder is not null) await _recorder.DisposeAsync();
        _recorder = recorder;
        logger.LogInformation("Sweep {Sweep}: read {Rows} rows and {Lines} trial-record lines from {Files} files in {Output}{Compacted}",
            SweepId, loaded.Rows, loaded.TrialLines, loaded.Files, directory, loaded.Compacted ? " (trial record compacted)" : "");
    }

    void StartTimer()
    {
        var period = scheduling.Value.DispatchInterval;
        _timer ??= this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    /// <summary>The timer's pass: check ownership, re-drive the lost, then dispatch; O(running trials + silos), never O(trials).</summary>
    async Task TickAsync()
    {
        await CheckOwnershipAsync();
        if (S.State == SweepState.Running && _book is not null && _fencedBy is null)
        {
            Watchdog(_book);
            _ = EnsureWatchdogAsync();
        }
        Drive();
    }

    /// <summary>
    /// Reads the stored state back now and then: a higher generation there means another activation claimed the sweep
    /// (Orleans can run two for a while after a silo dies), so this one stops. Storage that does not answer tells
    /// nothing; the next check asks again.
    /// </summary>
    async Task CheckOwnershipAsync()
    {
        if (_fencedBy is not null || S.State != SweepState.Running || DateTime.UtcNow < _nextOwnershipCheck) return;
        _nextOwnershipCheck = DateTime.UtcNow + scheduling.Value.OwnershipCheckInterval;
        int mine = S.Generation;
        var kept = S;
        try
        {
            await state.ReadStateAsync();
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Sweep {Sweep}: could not read its state back to check ownership", SweepId);
            state.State = kept;
            return;
        }
        if (S.Generation == mine) return;
        Fence($"generation {S.Generation} took the sweep over from this activation's {mine}");
    }

    /// <summary>Dispatch into free capacity, then finish when all are done.</summary>
    void Drive()
    {
        if (S.State == SweepState.Running && _book is not null && _fencedBy is null)
        {
            if (!S.CancelRequested) Dispatch(_book);
            CompleteIfDone();
        }
        metrics.SetSweepCounts(SweepId, S.Spec is null ? null : BuildStatus());
    }

    void Watchdog(TrialBook book)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (string silo in book.SilosWithTrials.Where(s => !cluster.IsActive(s)).ToList())
            foreach (int index in book.SiloLost(silo))
                logger.LogWarning("Sweep {Sweep}: trial {Trial} was on {Silo}, which left the cluster; re-driving it", SweepId, book.Spec(index).TrialId, silo);
        foreach (int index in book.Silent(now - scheduling.Value.StaleAfter))
            logger.LogWarning("Sweep {Sweep}: trial {Trial} went silent; re-driving it", SweepId, book.Spec(index).TrialId);
    }

    void Dispatch(TrialBook book)
    {
        var silos = cluster.ActiveSilos();
        var slots = silos.Select(s => new SiloSlots(s.Name, s.Slots)).ToList();
        // A fuse group's queued seeds come out together, as one unit for one grain.
        foreach (var unit in book.Dispatch(slots, S.Spec!.MaxConcurrentTrials, scheduling.Value.PrefetchPerSilo, DateTimeOffset.UtcNow).GroupBy(d => d.Unit))
        {
            var sent = unit.ToArray();
            foreach (var _ in sent) metrics.TrialStarted(SweepId);
            var address = silos.First(s => s.Name == sent[0].Silo).Address;
            _ = StartTrialAsync(book, sent, address);
        }
    }

    static string GrainKey(TrialBook book, DispatchUnit unit) => TrialSpec.FusedGrainKey([.. unit.Members.Select(book.Spec)]);

    /// <summary>A silo not (or no longer) in the membership holds nothing back.</summary>
    int SlotsOf(string? silo) => cluster.ActiveSilos().FirstOrDefault(s => s.Name == silo)?.Slots ?? int.MaxValue;

    /// <summary>
    /// Not awaited by the dispatch loop, so a slow silo never blocks the coordinator; failures re-queue. One trial goes
    /// to its own grain; a fuse group's seeds go to the group's grain, trained fused in one slot.
    /// </summary>
    async Task StartTrialAsync(TrialBook book, Dispatched[] sent, SiloAddress hint)
    {
        var specs = sent.Select(d => d.Spec).ToArray();
        var trial = GrainFactory.GetGrain<ITrialGrain>(TrialSpec.FusedGrainKey(specs));
        RequestContext.Set(IPlacementDirector.PlacementHintKey, hint);
        try
        {
            if (sent.Length == 1) await trial.StartAsync(specs[0], sent[0].Token, book.DeliveredThrough(sent[0].Index));
            else await trial.StartFusedAsync(specs, [.. sent.Select(d => d.Token)], [.. sent.Select(d => book.DeliveredThrough(d.Index))]);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sweep {Sweep}: starting trial {Trial} (dispatch {Token}{Fused}) failed; it goes back to the queue",
                SweepId, specs[0].TrialId, sent[0].Token, sent.Length > 1 ? $", fused with {sent.Length - 1} other seeds" : "");
            foreach (var d in sent) book.StartFailed(d.Index, d.Token);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    async Task CancelTrialAsync(string grainKey)
    {
        try { await GrainFactory.GetGrain<ITrialGrain>(grainKey).CancelAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Sweep {Sweep}: cancelling trial grain {Grain} failed", SweepId, grainKey); }
    }

    async Task CancelQueuedAsync(string why)
    {
        foreach (var outcome in await _recorder!.CancelQueuedAsync(why)) metrics.TrialFinished(SweepId, outcome.State);
    }

    void CompleteIfDone()
    {
        if (_finishing is { IsCompleted: true } done && !done.Result) _finishing = null;
        if (S.State != SweepState.Running || _finishing is not null || _book is null) return;
        if (S.CancelRequested && _book.CountOf(TrialState.Queued) > 0)
        {
            // Trials the watchdog took back from lost silos will never answer a cancel: count them as cancelled.
            _finishing = CancelThenFinishAsync();
            return;
        }
        if (_book.Unfinished > 0) return;
        _finishing = FinishAsync();
    }

    /// <summary>Yields false: the sweep ends at a later pass, once its running trials answer the cancel.</summary>
    async Task<bool> CancelThenFinishAsync()
    {
        try { await CancelQueuedAsync("cancelled"); }
        catch (Exception e) { logger.LogWarning(e, "Sweep {Sweep}: could not record its queued trials as cancelled; the next tick tries again", SweepId); }
        return false;
    }

    /// <summary>
    /// Writes the final files off every caller's path, then stores the sweep as ended. First a state write proves this
    /// activation still owns the sweep, so a fenced activation never writes them. Should anything fail, the sweep stays
    /// Running and the next tick tries again; should a crash come between the files and the state, the next activation
    /// finds every trial finished and writes the same files again.
    /// </summary>
    async Task<bool> FinishAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await SaveAsync();
            var recorder = _recorder!;
            var book = recorder.Book;
            var output = recorder.Output;
            await Task.Run(() => recorder.WriteFinalAsync());
            S.State = S.CancelRequested ? SweepState.Cancelled : SweepState.Completed;
            S.FinishedAt = DateTimeOffset.UtcNow;
            _timer?.Dispose();
            _timer = null;
            logger.LogInformation("Sweep {Sweep} {State}: wrote {Trials} and {Metrics} ({Rows} measurements) in {Seconds:F1} s",
                SweepId, S.State, output.TrialsPath, output.MetricsPath, book.MeasurementRows, clock.Elapsed.TotalSeconds);
            metrics.SetSweepCounts(SweepId, BuildStatus());
            try { await SaveAsync(); }
            catch (Exception e) when (_fencedBy is null)
            {
                // The files are final either way; a next activation that still reads Running writes them again.
                logger.LogWarning(e, "Sweep {Sweep}: could not store its end; its next activation finishes it again", SweepId);
            }
            // Not awaited: should this fail, the reminder's next tick finds the sweep over and unregisters it.
            _ = UnregisterWatchdogQuietlyAsync();
            return true;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Sweep {Sweep}: writing its final files failed; the next tick tries again", SweepId);
            return false;
        }
    }

    async Task EnsureWatchdogAsync()
    {
        if (_watchdogRegistered) return;
        _watchdogRegistered = true;
        try
        {
            await this.RegisterOrUpdateReminder(StorageNames.WatchdogReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        catch (Exception e)
        {
            _watchdogRegistered = false;
            logger.LogWarning(e, "Sweep {Sweep}: could not register its watchdog reminder; the next tick retries", SweepId);
        }
    }

    async Task UnregisterWatchdogQuietlyAsync()
    {
        try { await UnregisterWatchdogAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Sweep {Sweep}: could not unregister its watchdog reminder; its next tick will", SweepId); }
    }

    async Task UnregisterWatchdogAsync()
    {
        var reminder = await this.GetReminder(StorageNames.WatchdogReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }

    /// <summary>From the book's counters and its running trials: O(running trials), whatever the sweep's size.</summary>
    SweepStatus BuildStatus()
    {
        var book = _book;
        int Count(TrialState s) => book?.CountOf(s) ?? 0;
        // A prefetched trial is dispatched but says it waits for a slot: show it as queued, not running.
        var training = book?.Running.Where(r => !r.WaitingForSlot).ToList() ?? [];
        int waiting = Count(TrialState.Running) - training.Count;
        return new SweepStatus
        {
            SweepId = SweepId,
            State = S.Spec is null ? SweepState.NotFound : S.State,
            Total = book?.Count ?? 0,
            Queued = Count(TrialState.Queued) + waiting,
            Running = training.Count,
            Completed = Count(TrialState.Completed),
            Diverged = Count(TrialState.Diverged),
            Failed = Count(TrialState.Failed),
            Cancelled = Count(TrialState.Cancelled),
            ActiveTrials = training
                .Select(r => r.Status ?? new TrialStatus
                {
                    TrialId = book!.Spec(r.Index).TrialId, State = TrialState.Running, Silo = r.Silo, Attempt = book.Attempts(r.Index),
                    Label = SweepPlanner.Label(book.Spec(r.Index)), UpdatedAt = r.LastReportAt,
                })
                .Select(s => book!.TryIndex(s.TrialId, out int i) ? s with { Attempt = Math.Max(1, book.Attempts(i)) } : s)
                .ToArray(),
            OutputDirectory = S.OutputDirectory,
            StartedAt = S.StartedAt,
            FinishedAt = S.FinishedAt,
            MeasurementRows = book?.MeasurementRows ?? 0,
        };
    }

    /// <summary>Stops this activation for good: no dispatch, no writes; its callers get an error and retry into the current one.</summary>
    void Fence(string why, Exception? e = null)
    {
        _fencedBy = why;
        logger.LogError(e, "Sweep {Sweep}: {Why}; this activation stops and writes nothing more", SweepId, why);
        _timer?.Dispose();
        _timer = null;
        DeactivateOnIdle();
    }

    /// <summary>
    /// One writer at a time. An etag conflict means another activation of this sweep wrote the state since this one
    /// read it, so this one is no longer the sweep's owner: it stops (fenced) instead of overwriting, deactivates, and
    /// its callers retry into the current activation.
    /// </summary>
    async Task SaveAsync()
    {
        ThrowIfFenced();
        await _saveLock.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException e)
        {
            Fence("another activation stored the sweep's state since this one read it", e);
            throw;
        }
        finally
        {
            _saveLock.Release();
        }
    }
}
