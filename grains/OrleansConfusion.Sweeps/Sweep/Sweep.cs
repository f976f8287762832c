using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// A sweep's decisions, free of Orleans and of I/O: it takes the events of a sweep (a dispatch pass, a failed start, a
/// trial's progress, rows, an outcome, a watchdog tick, a cancel) and answers what to do (which units to start where,
/// which trials to take back, whether an outcome counts, whether the sweep can end). It is made of three parts, each
/// answering one question, so one kind of change opens one room:
/// <list type="bullet">
/// <item><see cref="Ledger"/>: what happened to each trial (state, attempts, rows held, outcome).</item>
/// <item><see cref="Queue"/>: what runs next (plan order, re-queued first, fuse groups together).</item>
/// <item><see cref="Board"/>: where trials run and who is late (slots, prefetch, silos, silence).</item>
/// </list>
/// Every event costs O(1), O(trials on one silo) or O(running trials), never O(trials in the sweep): a 100,000-trial
/// sweep spends per outcome what a 100-trial one does. Building it, a cancel and a resubmit are O(trials), once.
/// The coordinator grain owns one and turns its answers into grain calls, record appends and state writes.
/// </summary>
public sealed class Sweep
{
    /// <param name="plan">The sweep's trials, in plan order.</param>
    /// <param name="fuseGroups">Per trial, the first trial of its fuse group, or null when nothing fuses (see <see cref="TrialQueue"/>).</param>
    public Sweep(IReadOnlyList<TrialSpec> plan, IReadOnlyList<int>? fuseGroups = null)
    {
        Ledger = new TrialLedger(plan);
        Queue = new TrialQueue(Ledger, fuseGroups);
    }

    public TrialLedger Ledger { get; }

    public TrialQueue Queue { get; }

    public SlotBoard Board { get; } = new();

    readonly List<TrialOutcome> _decided = [];

    /// <summary>
    /// Outcomes the sweep decided itself, without a trial's report (a cancelled queue, a trial given up): they count at
    /// once, and the coordinator makes them durable (<see cref="SweepRecorder.RecordDecidedAsync"/>). Should it crash
    /// first, a later activation finds those trials open and decides again.
    /// </summary>
    public IReadOnlyList<TrialOutcome> Decided => _decided;

    /// <summary>Decided outcomes whose recording failed, to be recorded by the next call.</summary>
    public void Redecide(IEnumerable<TrialOutcome> outcomes) => _decided.InsertRange(0, outcomes);

    /// <summary>Hands the decided outcomes over for recording.</summary>
    public List<TrialOutcome> TakeDecided()
    {
        var taken = new List<TrialOutcome>(_decided);
        _decided.Clear();
        return taken;
    }

    public int Count => Ledger.Count;

    /// <summary>Whether <paramref name="plan"/> holds the same trials in the same order, fused alike: a resubmit then keeps this sweep.</summary>
    public bool HasSamePlan(IReadOnlyList<TrialSpec> plan, IReadOnlyList<int>? fuseGroups = null)
    {
        if (plan.Count != Ledger.Count) return false;
        for (int i = 0; i < plan.Count; i++)
            if (!string.Equals(plan[i].TrialId, Ledger.Spec(i).TrialId, StringComparison.Ordinal)) return false;
        return Queue.GroupsAlike(fuseGroups);
    }

    /// <summary>
    /// A resubmit: failed and cancelled trials go back to the queue (with their rows, so they resume); finished ones
    /// stay; running ones keep running. O(trials), once per submit.
    /// </summary>
    public void RequeueUnfinished()
    {
        foreach (int i in Ledger.InState(TrialState.Failed).Concat(Ledger.InState(TrialState.Cancelled))) Ledger.Reopen(i);
        Queue.Rewind();
    }

    // ---- dispatch ----

    /// <summary>
    /// Dispatches queued trials in plan order (re-queued first) onto the silos <see cref="SiloPicker"/> chooses, each
    /// fuse group's queued members together as one <see cref="DispatchUnit"/>: one slot, one prefetch, one unit of the
    /// cap (<paramref name="maxConcurrent"/>, 0 for none). Cost: O(silos + group size) per unit.
    /// </summary>
    public List<Dispatched> Dispatch(IReadOnlyList<SiloSlots> silos, int maxConcurrent, int prefetchPerSilo, DateTimeOffset now)
    {
        var sent = new List<Dispatched>();
        var picker = Board.Picker(silos, maxConcurrent, prefetchPerSilo);
        while (Queue.Peek() is int index && picker.TryPick(out string silo, out bool waits))
        {
            var unit = new DispatchUnit(Queue.Take(index));
            foreach (int member in unit.Members)
            {
                var trial = Board.Start(member, silo, waits, now, unit);
                Ledger.Move(member, TrialState.Running);
                sent.Add(new Dispatched(member, Ledger.Spec(member), silo, trial.Token, waits, unit));
            }
        }
        return sent;
    }

    /// <summary>Starts that may fail in a row before a trial is given up as failed: a start that always throws would loop forever.</summary>
    public const int MaxStartFailures = 5;

    /// <summary>
    /// The start of a dispatch failed (the call threw, with <paramref name="error"/>): the trial goes back to the queue,
    /// unless it moved on, or, after <see cref="MaxStartFailures"/> in a row, ends failed with the reason (decided).
    /// </summary>
    public bool StartFailed(int index, int token, string error)
    {
        if (!Board.TryGetRunning(index, out var trial) || trial.Token != token) return false;
        if (Ledger.StartFailed(index) >= MaxStartFailures)
            Decide(index, TrialState.Failed, $"its start failed {MaxStartFailures} times in a row; last: {error}", DateTimeOffset.UtcNow);
        else Requeue(index);
        return true;
    }

    // ---- trial reports ----

    /// <summary>
    /// A trial's progress. Reports of another dispatch than the current one are ignored, except that a trial the
    /// watchdog re-queued but that is alive after all goes back to running (once). The first report that says it
    /// trains counts an attempt (returned, for the record); a prefetched trial that says it trains on a silo that is
    /// still full took the slot of one whose outcome is on its way, and keeps counting as waiting until that outcome
    /// lands, so no silo shows more trials training than it has slots.
    /// </summary>
    public int? OnProgress(TrialStatus status, Func<string?, int> slotsOf, DateTimeOffset now)
    {
        if (!Ledger.TryIndex(status.TrialId, out int index)) return null;
        if (!Board.TryGetRunning(index, out var trial))
        {
            if (Ledger.State(index) != TrialState.Queued || !Board.TryGetGivenUp(index, status.Attempt, out trial)) return null;
            // Back from the queue: its heap entry goes stale and is skipped.
            Board.Revive(trial);
            Ledger.Move(index, TrialState.Running);
        }
        else if (trial.Token != status.Attempt) return null;

        if (status.Silo is { } silo) Board.MoveSilo(trial, silo);
        Ledger.StartAnswered(index);
        bool training = status.State != TrialState.Queued;
        trial.WaitingForSlot = !training || (trial.WaitingForSlot && Board.TrainingOn(trial.Silo, except: trial) >= slotsOf(trial.Silo));
        trial.Status = status;
        trial.LastReportAt = now;
        return training ? CountStart(trial, status.TrainingStartedAt) : null;
    }

    /// <summary>Rows that arrived at any attempt keep the trial alive only when they come from the current dispatch.</summary>
    public void Heard(int index, int token, DateTimeOffset now)
    {
        if (Board.TryGetRunning(index, out var trial) && trial.Token == token) trial.LastReportAt = now;
    }

    /// <summary>
    /// Judges a trial's end. Any attempt's outcome of an unfinished trial is taken (the trial is deterministic), but a
    /// completed or diverged one only when the ledger holds the row of every step it measured: else the trial is queued
    /// again and resumes from its newest checkpoint whose rows are held. A cancelled outcome nobody asked for is not the
    /// trial's end either: it runs again. On <see cref="OutcomeVerdict.Taken"/>, <paramref name="outcome"/> comes back
    /// with the attempt number the ledger counts (real starts), not the dispatch token the trial knew, and the caller
    /// makes it durable, then calls <see cref="Commit"/>.
    /// </summary>
    public OutcomeVerdict Judge(ref TrialOutcome outcome, bool cancelRequested)
    {
        if (!Ledger.TryIndex(outcome.TrialId, out int index) || !Ledger.IsOpen(index)) return OutcomeVerdict.Ignored;
        // An outcome counts the start of its training run if no report did.
        if (Board.TryGetRunning(index, out var trial) && trial.Token == outcome.Attempt) CountStart(trial, outcome.TrainingStartedAt);
        else if (outcome.TrainingStartedAt is null) Ledger.TrainedAtLeastOnce(index);
        else Ledger.CountStart(index, outcome.TrainingStartedAt);
        bool unasked = outcome.State == TrialState.Cancelled && !cancelRequested;
        if (!Ledger.HoldsRowsOf(index, outcome) || unasked)
        {
            if (Ledger.State(index) == TrialState.Running) Requeue(index);
            return unasked ? OutcomeVerdict.Ignored : OutcomeVerdict.RowsMissing;
        }
        outcome = outcome with { Attempt = Ledger.Attempts(index) };
        return OutcomeVerdict.Taken;
    }

    /// <summary>Finishes the trial with an outcome <see cref="Judge"/> took, once it is durable.</summary>
    public void Commit(TrialOutcome outcome)
    {
        int index = IndexOf(outcome.TrialId);
        if (!Ledger.IsOpen(index)) return;
        Board.Stop(index, givenUp: false);
        Board.Forget(index);
        Ledger.Finish(index, outcome);
    }

    /// <summary>Trials on <paramref name="silo"/> that said they train and wait only for an outcome to land take its free slots.</summary>
    public void PromoteWaiting(string silo, int slots) => Board.PromoteWaiting(silo, slots);

    // ---- the watchdog ----

    /// <summary>
    /// Takes back running trials whose silo left the cluster (<paramref name="isActive"/> false) and trials not heard from
    /// since <paramref name="silentSince"/>; they go back to the queue, to resume from their checkpoints. O(running trials).
    /// </summary>
    public List<LostTrial> Watchdog(Func<string, bool> isActive, DateTimeOffset silentSince)
    {
        var lost = new List<LostTrial>();
        foreach (string silo in Board.SilosWithTrials.Where(s => !isActive(s)).ToList())
            foreach (int index in Board.TrialsOn(silo))
            {
                Requeue(index);
                lost.Add(new LostTrial(index, silo));
            }
        foreach (int index in Board.SilentSince(silentSince))
        {
            Requeue(index);
            lost.Add(new LostTrial(index, null));
        }
        return lost;
    }

    // ---- cancel and the end ----

    /// <summary>Every unit with a running member: the trial grains a cancel must reach.</summary>
    public List<DispatchUnit> RunningUnits() => Board.Units();

    /// <summary>
    /// Ends every queued trial without training it (a cancelled sweep), each outcome with its attempt count, decided
    /// (see <see cref="Decided"/>): O(trials), once per cancel. Returns them.
    /// </summary>
    public List<TrialOutcome> CancelQueued(string why, DateTimeOffset now) =>
        [.. Ledger.InState(TrialState.Queued).Select(index => Decide(index, TrialState.Cancelled, why, now))];

    /// <summary>Ends an open trial with an outcome of the sweep's own (see <see cref="Decided"/>), whether it runs or waits.</summary>
    TrialOutcome Decide(int index, TrialState state, string why, DateTimeOffset now)
    {
        var outcome = new TrialOutcome
        {
            TrialId = Ledger.Spec(index).TrialId, State = state, Attempt = Ledger.Attempts(index), Error = why, FinishedAt = now.UtcDateTime,
        };
        Board.Stop(index, givenUp: false);
        Board.Forget(index);
        Ledger.Finish(index, outcome);
        _decided.Add(outcome);
        return outcome;
    }

    /// <summary>What the sweep needs next to end: nothing yet, its queued trials cancelled (a cancel was asked), or its final output.</summary>
    public SweepEnd NextEnd(bool cancelRequested)
    {
        if (cancelRequested && Ledger.CountOf(TrialState.Queued) > 0) return SweepEnd.CancelQueued;
        return Ledger.Unfinished > 0 ? SweepEnd.NotYet : SweepEnd.Finish;
    }

    // ---- what it shows ----

    /// <summary>
    /// <paramref name="header"/> (the sweep's id, state, folder and times) with the counts and the trials training now:
    /// O(running trials). A prefetched trial is dispatched but says it waits for a slot: it shows as queued.
    /// </summary>
    public SweepStatus Status(SweepStatus header)
    {
        var training = Board.Running.Where(r => !r.WaitingForSlot).ToList();
        return header with
        {
            Total = Ledger.Count,
            Queued = Ledger.CountOf(TrialState.Queued) + Ledger.CountOf(TrialState.Running) - training.Count,
            Running = training.Count,
            Completed = Ledger.CountOf(TrialState.Completed),
            Diverged = Ledger.CountOf(TrialState.Diverged),
            Failed = Ledger.CountOf(TrialState.Failed),
            Cancelled = Ledger.CountOf(TrialState.Cancelled),
            ActiveTrials = [.. training.Select(ActiveStatus)],
            MeasurementRows = Ledger.MeasurementRows,
        };
    }

    TrialStatus ActiveStatus(RunningTrial r)
    {
        var status = r.Status ?? new TrialStatus
        {
            TrialId = Ledger.Spec(r.Index).TrialId, State = TrialState.Running, Silo = r.Silo, Label = SweepPlanner.Label(Ledger.Spec(r.Index)), UpdatedAt = r.LastReportAt,
        };
        return status with { Attempt = Math.Max(1, Ledger.Attempts(r.Index)) };
    }

    int IndexOf(string trialId) =>
        Ledger.TryIndex(trialId, out int index) ? index : throw new ArgumentException($"trial '{trialId}' is not in this sweep", nameof(trialId));

    int? CountStart(RunningTrial trial, DateTimeOffset? startedAt)
    {
        if (trial.Started) return null;
        trial.Started = true;
        return Ledger.CountStart(trial.Index, startedAt);
    }

    void Requeue(int index)
    {
        Board.Stop(index, givenUp: true);
        Ledger.Move(index, TrialState.Queued);
        Queue.Requeued(index);
    }
}
