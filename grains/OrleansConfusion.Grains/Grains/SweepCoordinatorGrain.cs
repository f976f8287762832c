using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using Orleans.Storage;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// One per sweep (key = spec name). Plans the sweep, keeps the unfinished trials queued, dispatches
/// them as cluster capacity frees (never all at once), and writes every delivered row to the Parquet
/// sink before acknowledging it. A timer (and a reminder, should the activation be lost) re-drives
/// trials that went quiet or whose silo left the cluster; a re-driven trial resumes from its checkpoint.
/// </summary>
public sealed class SweepCoordinatorGrain(
    [PersistentState("sweep", StorageNames.Sweeps)] IPersistentState<SweepCoordinatorState> state,
    ClusterCapacity cluster,
    IOptions<TrialSchedulingOptions> scheduling,
    IOptions<ParquetSinkOptions> sinkOptions,
    ConfusionMetrics metrics,
    ILogger<SweepCoordinatorGrain> logger) : Grain, ISweepCoordinatorGrain, IRemindable
{
    readonly SemaphoreSlim _saveLock = new(1, 1);
    SweepOutput? _output;
    IGrainTimer? _timer;

    // Outcomes are durable in the output's outcome journal the moment they arrive, so the grain state (the whole
    // plan, O(trials) to write) is saved once per timer tick rather than per outcome; on activation
    // the journal is folded back in (see Reconcile). This keeps dispatch O(1) per trial.
    bool _dirty;

    // Whether this activation has registered the watchdog reminder (or is doing so).
    bool _watchdogRegistered;

    // The state write of a sweep that just ended (see CompleteIfDoneAsync); never faults.
    Task _finalSave = Task.CompletedTask;

    string SweepId => this.GetPrimaryKeyString();

    SweepCoordinatorState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is not null)
        {
            metrics.SweepActive(SweepId);
            await OpenOutputAsync(S.OutputDirectory, cancellationToken);
            Reconcile();
            if (S.State == SweepState.Running) StartTimer();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.SetSweepCounts(SweepId, null);
        try { await _finalSave.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { logger.LogWarning("Sweep {Sweep}: deactivated before its final state was stored; its next activation finishes it again", SweepId); }
    }

    public async Task<SweepSubmission> SubmitAsync(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var plan = SweepPlanner.Plan(spec);
        if (!plan.IsValid)
            throw new ArgumentException($"sweep spec '{spec.Name}' is invalid:{Environment.NewLine} - {string.Join(Environment.NewLine + " - ", plan.Errors)}");
        if (spec.Name != SweepId)
            throw new ArgumentException($"spec name '{spec.Name}' does not match the coordinator's sweep id '{SweepId}'");

        string directory = sinkOptions.Value.SweepDirectory(spec.OutputDirectory, spec.Name);
        if (_output is null || _output.Directory != directory) await OpenOutputAsync(directory, CancellationToken.None);
        else await _output.LoadAsync();

        int alreadyFinished = 0;
        var records = new Dictionary<string, TrialRecord>();
        foreach (var trial in plan.Trials)
        {
            var record = Merge(trial, S.Trials.GetValueOrDefault(trial.TrialId));
            if (record.IsFinished) alreadyFinished++;
            records[trial.TrialId] = record;
        }
        S.Spec = spec;
        S.Trials = records;
        S.Order = plan.Trials.Select(t => t.TrialId).ToList();
        S.Rejected = plan.Rejected.Select(r => r.ToString()).ToArray();
        S.OutputDirectory = directory;
        S.CancelRequested = false;
        S.State = SweepState.Running;
        metrics.SweepActive(SweepId);
        S.StartedAt ??= DateTimeOffset.UtcNow;
        S.FinishedAt = null;
        await SaveAsync();
        StartTimer();
        logger.LogInformation("Sweep {Sweep}: {Trials} trials ({Finished} already finished, {Rejected} grid points rejected), output {Output}",
            SweepId, plan.Trials.Count, alreadyFinished, plan.Rejected.Count, directory);
        // The plan is stored; dispatch before anything else this call does. The dispatch itself (attempts,
        // Running) is stored at the next tick, as after an outcome: a restart before it re-sends the same
        // starts, which a trial grain still training takes as a re-drive of itself.
        await DriveAsync(save: false);
        // Not awaited: the reminder only matters if this activation is lost, and nothing need wait for the
        // reminder table (milliseconds, more on a fresh silo). Each timer tick retries until it is in.
        if (S.State == SweepState.Running) _ = EnsureWatchdogAsync();
        return new SweepSubmission
        {
            SweepId = SweepId,
            Trials = plan.Trials.Count,
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
            TotalTrials = S.Order.Count,
            Offset = offset,
            Trials = _output is null ? [] : TrialResultRows.Page(S.Order, S.Trials, _output.Last, offset, count),
            TrialsFile = ended && _output is not null ? _output.TrialsPath : "",
            MetricsFile = ended && _output is not null ? _output.MetricsPath : "",
            MeasurementRows = _output?.MeasurementRows ?? 0,
        });
    }

    public async Task CancelAsync()
    {
        if (S.State != SweepState.Running) return;
        S.CancelRequested = true;
        foreach (var record in S.Trials.Values.Where(r => r.State == TrialState.Queued).ToList())
            await FinishAsync(record, CancelledOutcome(record, "cancelled before it started"));
        foreach (var record in S.Trials.Values.Where(r => r.State == TrialState.Running))
            _ = CancelTrialAsync(record.Spec);
        await SaveAsync();
        await CompleteIfDoneAsync();
    }

    public async Task ReportMeasurementsAsync(string trialId, int attempt, MeasurementRow[] rows)
    {
        ThrowIfUnknown();
        if (_output is null || !S.Trials.TryGetValue(trialId, out var record)) return;
        // Rows of any attempt are real measurements of the same deterministic trial; the sink drops repeated steps.
        await _output.AppendMeasurementsAsync(record.Spec, rows);
        if (attempt == record.Attempt) record.LastReportAt = DateTimeOffset.UtcNow;
    }

    public Task ReportProgressAsync(TrialStatus status)
    {
        if (S.State == SweepState.Running && S.Trials.TryGetValue(status.TrialId, out var record)
            && !record.IsTerminal && status.Attempt == record.Attempt)
        {
            // A trial the watchdog re-queued but that is alive after all goes back to Running, not twice.
            record.State = TrialState.Running;
            // A silo trains at most its slots. A prefetched trial that says it trains on a silo this coordinator
            // still sees full took the slot of one whose outcome is on its way: it counts as waiting until that
            // outcome lands (PromoteWaiting), so the status never shows a silo over its slots.
            bool training = status.State != TrialState.Queued;
            record.WaitingForSlot = !training || (record.WaitingForSlot && TrainingOn(status.Silo, except: record) >= SlotsOf(status.Silo));
            record.Status = status;
            record.Silo = status.Silo;
            record.LastReportAt = DateTimeOffset.UtcNow;
        }
        return Task.CompletedTask;
    }

    public async Task ReportOutcomeAsync(TrialOutcome outcome, MeasurementRow[] lastRows)
    {
        ThrowIfUnknown();
        if (lastRows.Length > 0) await ReportMeasurementsAsync(outcome.TrialId, outcome.Attempt, lastRows);
        if (!S.Trials.TryGetValue(outcome.TrialId, out var record) || record.IsTerminal) return;
        await FinishAsync(record, outcome);
        PromoteWaiting(record.Silo);
        _dirty = true;
        await DriveAsync(save: false);
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
        await DriveAsync();
    }

    /// <summary>
    /// A trial reports to a coordinator with no sweep only when the sweep's state was lost (memory storage on
    /// a silo that died). Refused rather than acknowledged and dropped: the trial keeps its rows and outcome
    /// and sends them again once the spec is resubmitted.
    /// </summary>
    void ThrowIfUnknown()
    {
        if (S.Spec is null)
            throw new InvalidOperationException($"sweep '{SweepId}' is not known to its coordinator (its state was lost); resubmit the spec to resume it");
    }

    /// <summary>Keeps the finished; re-queues the rest (failed and cancelled trials run again on resubmit).</summary>
    TrialRecord Merge(TrialSpec trial, TrialRecord? old)
    {
        if (old is not null)
        {
            old.Spec = trial;
            bool stillRunning = old.State == TrialState.Running && S.State == SweepState.Running && !S.CancelRequested;
            if (!old.IsFinished && !stillRunning)
            {
                old.State = TrialState.Queued;
                old.Outcome = null;
                old.Status = null;
            }
            return old;
        }
        if (_output!.Outcomes.TryGetValue(trial.TrialId, out var found) && found.State is TrialState.Completed or TrialState.Diverged)
            return new TrialRecord { Spec = trial, State = found.State, Outcome = found, Attempt = found.Attempt };
        return new TrialRecord { Spec = trial, State = TrialState.Queued };
    }

    async Task OpenOutputAsync(string directory, CancellationToken cancellationToken)
    {
        _output = new SweepOutput(directory, logger);
        await _output.LoadAsync(cancellationToken);
    }

    void StartTimer()
    {
        var period = scheduling.Value.DispatchInterval;
        _timer ??= this.RegisterGrainTimer(_ => DriveAsync(save: true), new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    /// <summary>
    /// One pass of the loop: re-drive the lost, dispatch into free capacity, finish when all are done.
    /// <paramref name="save"/>: write the state now if anything changed (timer ticks), else leave it dirty.
    /// </summary>
    async Task DriveAsync(bool save = true)
    {
        if (S.State == SweepState.Running)
        {
            _dirty |= Watchdog();
            _dirty |= Dispatch();
            if (save) _ = EnsureWatchdogAsync();
            if (save && _dirty) await SaveAsync();
            await CompleteIfDoneAsync();
        }
        metrics.SetSweepCounts(SweepId, S.Spec is null ? null : BuildStatus());
    }

    bool Watchdog()
    {
        var now = DateTimeOffset.UtcNow;
        var staleAfter = scheduling.Value.StaleAfter;
        bool changed = false;
        foreach (var record in S.Trials.Values.Where(r => r.State == TrialState.Running))
        {
            bool stale = now - record.LastReportAt > staleAfter;
            bool siloGone = record.Silo is not null && !cluster.IsActive(record.Silo);
            if (!stale && !siloGone) continue;
            logger.LogWarning("Sweep {Sweep}: trial {Trial} attempt {Attempt} on {Silo} is {Why}; re-driving it",
                SweepId, record.Spec.TrialId, record.Attempt, record.Silo, siloGone ? "on a silo that left the cluster" : "silent");
            record.State = TrialState.Queued;
            record.Silo = null;
            record.Status = null;
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// Dispatches queued trials in plan order: first into free slots (the silo with most free slots as
    /// placement hint), then up to <see cref="TrialSchedulingOptions.PrefetchPerSilo"/> more onto each
    /// full silo, where they wait for its next free slot. A device then goes from one trial straight to
    /// the next instead of idling through the outcome report and the next dispatch.
    /// </summary>
    bool Dispatch()
    {
        if (S.CancelRequested) return false;
        var silos = cluster.ActiveSilos().Where(s => s.Slots > 0).ToList();
        if (silos.Count == 0) return false;
        var running = S.Trials.Values.Where(r => r.State == TrialState.Running).ToList();
        var busy = silos.ToDictionary(s => s.Name, s => running.Count(r => r.Silo == s.Name));
        int training = silos.Sum(s => Math.Min(busy[s.Name], s.Slots)) + running.Count(r => r.Silo is null || !busy.ContainsKey(r.Silo));
        int cap = S.Spec!.MaxConcurrentTrials > 0 ? S.Spec.MaxConcurrentTrials : int.MaxValue;
        // A trial prefetched onto a silo with a free slot would start at once, past the sweep's cap.
        int prefetch = cap < silos.Sum(s => s.Slots) ? 0 : scheduling.Value.PrefetchPerSilo;

        bool changed = false;
        foreach (string id in S.Order)
        {
            var record = S.Trials[id];
            if (record.State != TrialState.Queued) continue;
            var silo = training < cap ? silos.Where(s => busy[s.Name] < s.Slots).MaxBy(s => s.Slots - busy[s.Name]) : null;
            bool waits = silo is null;
            if (waits) silo = silos.Where(s => busy[s.Name] >= s.Slots && busy[s.Name] < s.Slots + prefetch).MinBy(s => busy[s.Name] - s.Slots);
            else training++;
            if (silo is null) break;
            busy[silo.Name]++;
            record.State = TrialState.Running;
            record.WaitingForSlot = waits;
            record.Attempt++;
            record.Silo = silo.Name;
            record.Status = null;
            record.LastReportAt = DateTimeOffset.UtcNow;
            metrics.TrialStarted(SweepId);
            _ = StartTrialAsync(record, record.Attempt, silo.Address);
            changed = true;
        }
        return changed;
    }

    /// <summary>Trials on <paramref name="silo"/> that said they train and wait only for an outcome to land take its free slots.</summary>
    void PromoteWaiting(string? silo)
    {
        if (silo is null) return;
        var held = S.Trials.Values
            .Where(r => r.State == TrialState.Running && r.WaitingForSlot && r.Silo == silo && r.Status?.State == TrialState.Running)
            .OrderBy(r => r.LastReportAt);
        foreach (var record in held)
        {
            if (TrainingOn(silo, except: record) >= SlotsOf(silo)) break;
            record.WaitingForSlot = false;
        }
    }

    int TrainingOn(string? silo, TrialRecord except) =>
        S.Trials.Values.Count(r => r != except && r.State == TrialState.Running && !r.WaitingForSlot && r.Silo == silo);

    /// <summary>A silo not (or no longer) in the membership holds nothing back.</summary>
    int SlotsOf(string? silo) => cluster.ActiveSilos().FirstOrDefault(s => s.Name == silo)?.Slots ?? int.MaxValue;

    /// <summary>Not awaited by the dispatch loop, so a slow silo never blocks the coordinator; failures re-queue.</summary>
    async Task StartTrialAsync(TrialRecord record, int attempt, SiloAddress hint)
    {
        var trial = GrainFactory.GetGrain<ITrialGrain>(record.Spec.GrainKey);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, hint);
        try
        {
            await trial.StartAsync(record.Spec, attempt, _output!.DeliveredThroughStep(record.Spec.TrialId));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sweep {Sweep}: starting trial {Trial} attempt {Attempt} failed; it goes back to the queue",
                SweepId, record.Spec.TrialId, attempt);
            if (record.State == TrialState.Running && record.Attempt == attempt)
            {
                record.State = TrialState.Queued;
                record.Silo = null;
            }
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    async Task CancelTrialAsync(TrialSpec spec)
    {
        try { await GrainFactory.GetGrain<ITrialGrain>(spec.GrainKey).CancelAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Sweep {Sweep}: cancelling trial {Trial} failed", SweepId, spec.TrialId); }
    }

    async Task FinishAsync(TrialRecord record, TrialOutcome outcome)
    {
        await _output!.WriteOutcomeAsync(record.Spec, outcome);
        record.State = outcome.State;
        record.Outcome = outcome;
        record.Status = null;
        metrics.TrialFinished(SweepId, outcome.State);
    }

    async Task CompleteIfDoneAsync()
    {
        if (S.State != SweepState.Running) return;
        if (S.CancelRequested)
        {
            // Trials the watchdog took back from lost silos will never answer a cancel: count them as cancelled.
            foreach (var record in S.Trials.Values.Where(r => r.State == TrialState.Queued).ToList())
                await FinishAsync(record, CancelledOutcome(record, "cancelled"));
        }
        if (!S.Trials.Values.All(r => r.IsTerminal)) return;
        var trials = S.Order.Select(id => S.Trials[id]).Select(r => (r.Spec, r.Outcome!)).ToList();
        await _output!.WriteFinalAsync(trials);
        S.State = S.CancelRequested ? SweepState.Cancelled : SweepState.Completed;
        S.FinishedAt = DateTimeOffset.UtcNow;
        // The files are final, so status says so at once; the state write follows off the caller's path and
        // deactivation waits for it. Should a crash lose it, the stored sweep still reads Running, and the
        // next activation finishes it again from the outcome journal (Reconcile, then the first tick).
        _finalSave = SaveOrLogAsync();
        _timer?.Dispose();
        _timer = null;
        // Not awaited: the sweep is finished and its files written, so status callers need not wait for the
        // reminder table. Should this fail, the reminder's next tick finds the sweep over and unregisters it.
        _ = UnregisterWatchdogQuietlyAsync();
        logger.LogInformation("Sweep {Sweep} {State}: wrote {Trials} and {Metrics} ({Rows} measurements)",
            SweepId, S.State, _output.TrialsPath, _output.MetricsPath, _output.MeasurementRows);
    }

    /// <summary>
    /// After a restart the stored state may predate outcomes already in the outcome journal (state is
    /// saved per tick, the journal per outcome): take those outcomes as final.
    /// </summary>
    void Reconcile()
    {
        foreach (var record in S.Trials.Values.Where(r => !r.IsTerminal))
        {
            if (!_output!.Outcomes.TryGetValue(record.Spec.TrialId, out var outcome)) continue;
            // A queued record with the outcome's own attempt was re-queued on purpose (resubmit after failure).
            bool newer = outcome.Attempt > record.Attempt || (record.State == TrialState.Running && outcome.Attempt == record.Attempt);
            if (!newer) continue;
            record.State = outcome.State;
            record.Outcome = outcome;
            record.Status = null;
            _dirty = true;
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

    TrialOutcome CancelledOutcome(TrialRecord record, string why) => new()
    {
        TrialId = record.Spec.TrialId,
        State = TrialState.Cancelled,
        Attempt = record.Attempt,
        Silo = record.Silo,
        Error = why,
        FinishedAt = DateTimeOffset.UtcNow,
    };

    SweepStatus BuildStatus()
    {
        var records = S.Trials.Values;
        int Count(TrialState s) => records.Count(r => r.State == s);
        // A prefetched trial is dispatched but says it waits for a slot: show it as queued, not running.
        var training = records.Where(r => r.State == TrialState.Running && !r.WaitingForSlot).ToList();
        int waiting = Count(TrialState.Running) - training.Count;
        return new SweepStatus
        {
            SweepId = SweepId,
            State = S.Spec is null ? SweepState.NotFound : S.State,
            Total = records.Count,
            Queued = Count(TrialState.Queued) + waiting,
            Running = training.Count,
            Completed = Count(TrialState.Completed),
            Diverged = Count(TrialState.Diverged),
            Failed = Count(TrialState.Failed),
            Cancelled = Count(TrialState.Cancelled),
            ActiveTrials = training
                .Select(r => r.Status ?? new TrialStatus
                {
                    TrialId = r.Spec.TrialId, State = TrialState.Running, Silo = r.Silo, Attempt = r.Attempt,
                    Label = SweepPlanner.Label(r.Spec), UpdatedAt = r.LastReportAt,
                })
                .ToArray(),
            OutputDirectory = S.OutputDirectory,
            StartedAt = S.StartedAt,
            FinishedAt = S.FinishedAt,
            MeasurementRows = _output?.MeasurementRows ?? 0,
        };
    }

    async Task SaveOrLogAsync()
    {
        try { await SaveAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Sweep {Sweep}: could not store its final state; its next activation finishes it again", SweepId); }
    }

    /// <summary>
    /// One writer at a time. This activation is the sweep's only owner, so when the stored etag moved
    /// (e.g. memory storage lost with a dead silo) it takes the new etag and writes its state again.
    /// </summary>
    async Task SaveAsync()
    {
        _dirty = false;
        await _saveLock.WaitAsync();
        try
        {
            try
            {
                await state.WriteStateAsync();
            }
            catch (InconsistentStateException e)
            {
                logger.LogWarning(e, "Sweep {Sweep}: stored state changed underneath; overwriting with this activation's", SweepId);
                var mine = state.State;
                await state.ReadStateAsync();
                state.State = mine;
                await state.WriteStateAsync();
            }
        }
        catch
        {
            _dirty = true; // still unsaved: the next tick tries again
            throw;
        }
        finally
        {
            _saveLock.Release();
        }
    }
}
