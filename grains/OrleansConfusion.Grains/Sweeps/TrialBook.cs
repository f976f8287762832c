using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>A silo as dispatch sees it: its name and its training slots.</summary>
public readonly record struct SiloSlots(string Name, int Slots);

/// <summary>
/// A trial the book has just dispatched: where to send it, and the token its reports must carry. Trials dispatched
/// together (a configuration's seeds, trained fused by one grain) share their <see cref="Unit"/>.
/// </summary>
public readonly record struct Dispatched(int Index, TrialSpec Spec, string Silo, int Token, bool WaitsForSlot, DispatchUnit Unit);

/// <summary>
/// What one dispatch sends to one trial grain, and what takes one training slot: a trial alone, or the queued seeds
/// of one fused group (<see cref="TrialBook"/>'s fuse groups). Compared by identity.
/// </summary>
public sealed class DispatchUnit(int[] members)
{
    /// <summary>The trials sent together, in plan order.</summary>
    public IReadOnlyList<int> Members { get; } = members;

    /// <summary>Members still running; the unit holds its slot until the last of them ends.</summary>
    internal int Running { get; set; }
}

/// <summary>What the book made of an outcome.</summary>
public enum OutcomeVerdict
{
    /// <summary>Taken: the trial is finished with this outcome.</summary>
    Taken,

    /// <summary>Already finished (a repeat, or an older attempt's): ignored.</summary>
    Ignored,

    /// <summary>The outcome names a measured step whose row the book does not hold: the trial is queued again.</summary>
    RowsMissing,
}

/// <summary>
/// The states of a sweep's trials, owned by its coordinator and free of Orleans, so every rule is unit-tested.
/// The plan stays in plan order; the book keeps a cursor into it for trials never dispatched, a heap of
/// re-queued ones (which go first, in plan order: they have checkpoints), the running trials by silo, and a
/// count per state. So every event costs O(1), or O(trials on one silo), or O(running trials) for a
/// watchdog pass, and never O(trials in the sweep): a 100,000-trial sweep spends per outcome what a
/// 100-trial one does. The only O(N) operations are building the book, cancelling and the final pass.
/// </summary>
public sealed class TrialBook
{
    readonly TrialSpec[] _specs;
    readonly Dictionary<string, int> _index;
    readonly TrialState[] _state;
    readonly int[] _attempts;
    readonly long[] _lastStart; // UTC ticks of the training run counted last (0: none)
    readonly long[] _delivered;
    readonly TrialOutcome?[] _outcomes;
    readonly LastMeasurement?[] _last;
    readonly int[] _counts = new int[Enum.GetValues<TrialState>().Max(s => (int)s) + 1];

    readonly Dictionary<int, RunningTrial> _running = [];
    readonly Dictionary<string, SiloTrials> _onSilo = new(StringComparer.Ordinal);

    // Fuse groups: the first trial of each trial's group (itself when it trains alone), and each group's size. A
    // group is a run of consecutive trials in the plan (a configuration's seeds), so its members are
    // [_groupOf[i], _groupOf[i] + _groupSize[_groupOf[i]]).
    readonly int[]? _groupOf;
    readonly int[]? _groupSize;
    int _runningUnits;

    // Never-dispatched trials are the queued ones at or after the cursor; re-queued trials (always before it)
    // wait in the heap. Heap entries go stale when their trial leaves Queued another way (a late outcome, a
    // report from the attempt the watchdog gave up on); they are skipped when they reach the top.
    readonly PriorityQueue<int, int> _requeued = new();
    int _cursor;
    int _nextToken = 1;

    /// <param name="plan">The sweep's trials, in plan order.</param>
    /// <param name="fuseGroups">
    /// Per trial, the index of the first trial of its fuse group (its own index when it trains alone), or null when
    /// nothing fuses. The queued members of a group are dispatched together, to one grain, and take one slot.
    /// </param>
    public TrialBook(IReadOnlyList<TrialSpec> plan, IReadOnlyList<int>? fuseGroups = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int n = plan.Count;
        if (fuseGroups is not null)
        {
            if (fuseGroups.Count != n) throw new ArgumentException($"{fuseGroups.Count} fuse-group entries for {n} trials", nameof(fuseGroups));
            _groupOf = [.. fuseGroups];
            _groupSize = new int[n];
            for (int i = 0; i < n; i++)
            {
                int first = _groupOf[i];
                // A run of consecutive trials: each entry names itself or the group its predecessor is in.
                if (first != i && (i == 0 || first != _groupOf[i - 1]))
                    throw new ArgumentException($"fuse group of trial {i} starts at {first}; a group must be a run of consecutive trials", nameof(fuseGroups));
                _groupSize[first]++;
            }
        }
        _specs = [.. plan];
        _index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++) _index.Add(_specs[i].TrialId, i);
        _state = new TrialState[n];
        _attempts = new int[n];
        _lastStart = new long[n];
        _delivered = new long[n];
        Array.Fill(_delivered, -1);
        _outcomes = new TrialOutcome?[n];
        _last = new LastMeasurement?[n];
        _counts[(int)TrialState.Queued] = n;
    }

    public int Count => _specs.Length;

    /// <summary>Whether <paramref name="plan"/> holds the same trials in the same order, fused alike: a resubmit then keeps this book.</summary>
    public bool HasSamePlan(IReadOnlyList<TrialSpec> plan, IReadOnlyList<int>? fuseGroups = null)
    {
        if (plan.Count != _specs.Length) return false;
        for (int i = 0; i < plan.Count; i++)
            if (!string.Equals(plan[i].TrialId, _specs[i].TrialId, StringComparison.Ordinal)) return false;
        if (fuseGroups is not null && fuseGroups.Count != plan.Count) return false;
        // No groups is every trial alone.
        for (int i = 0; i < plan.Count; i++)
            if ((fuseGroups?[i] ?? i) != (_groupOf?[i] ?? i)) return false;
        return true;
    }

    /// <summary>The size of the fuse group trial <paramref name="index"/> is in (1: it trains alone).</summary>
    public int FuseGroupSize(int index) => _groupOf is null ? 1 : _groupSize![_groupOf[index]];

    public int CountOf(TrialState state) => _counts[(int)state];

    /// <summary>Trials not yet completed, diverged, failed or cancelled.</summary>
    public int Unfinished => _counts[(int)TrialState.Queued] + _counts[(int)TrialState.Running];

    public long MeasurementRows { get; private set; }

    public int RunningCount => _running.Count;

    public bool TryIndex(string trialId, out int index) => _index.TryGetValue(trialId, out index);

    public TrialSpec Spec(int index) => _specs[index];

    public TrialState State(int index) => _state[index];

    /// <summary>Real starts of training: dispatches that reported training (or finished) count, dispatches to a dead silo do not.</summary>
    public int Attempts(int index) => _attempts[index];

    /// <summary>The highest step whose row is held (−1: none). Every scheduled row up to it is held too (see <see cref="TakeNewRows"/>).</summary>
    public long DeliveredThrough(int index) => _delivered[index];

    public TrialOutcome? Outcome(int index) => _outcomes[index];

    public LastMeasurement? Last(int index) => _last[index];

    public IEnumerable<RunningTrial> Running => _running.Values;

    public bool IsRunning(int index, out RunningTrial trial) => _running.TryGetValue(index, out trial!);

    // ---- restoring from the output's record (before the first dispatch) ----

    /// <summary>A row already held (from the journal): only the highest step per trial matters.</summary>
    public void RestoreDelivered(int index, MeasurementRow row)
    {
        MeasurementRows++;
        if (row.Step > _delivered[index])
        {
            _delivered[index] = row.Step;
            _last[index] = LastMeasurement.From(row);
        }
    }

    public void RestoreAttempts(int index, int attempts, DateTimeOffset? startedAt)
    {
        if (attempts < _attempts[index]) return;
        _attempts[index] = attempts;
        if (startedAt is { } at) _lastStart[index] = at.UtcTicks;
    }

    /// <summary>
    /// The newest recorded outcome of a trial. Completed and diverged trials stay finished only when every row the
    /// outcome names is held; failed and cancelled ones stay so unless <paramref name="rerunUnfinished"/> (a resubmit).
    /// </summary>
    public void RestoreOutcome(int index, TrialOutcome outcome, bool rerunUnfinished)
    {
        RestoreAttempts(index, outcome.Attempt, outcome.TrainingStartedAt);
        // A newer outcome replaces an older one, whatever becomes of it.
        if (_state[index] != TrialState.Queued) Move(index, TrialState.Queued);
        _outcomes[index] = null;
        bool finished = outcome.State is TrialState.Completed or TrialState.Diverged;
        if (finished && outcome.LastMeasuredStep > _delivered[index]) return;
        if (!finished && rerunUnfinished) return;
        _outcomes[index] = outcome;
        Move(index, outcome.State);
    }

    /// <summary>
    /// A resubmit: failed and cancelled trials go back to the queue (with their rows, so they resume); finished ones
    /// stay; running ones keep running. O(trials), once per submit.
    /// </summary>
    public void RequeueUnfinished()
    {
        for (int i = 0; i < _specs.Length; i++)
        {
            if (_state[i] is not (TrialState.Failed or TrialState.Cancelled)) continue;
            _outcomes[i] = null;
            Move(i, TrialState.Queued);
        }
        _cursor = 0;
        _requeued.Clear();
    }

    // ---- dispatch ----

    /// <summary>
    /// Dispatches queued trials in plan order (re-queued first): into free slots first (the silo with the most
    /// free slots), then up to <paramref name="prefetchPerSilo"/> more onto each full silo, where they wait for
    /// its next free slot. A trial prefetched onto a silo with a free slot would start at once, so none is
    /// prefetched while the sweep's cap (<paramref name="maxConcurrent"/>) is below the cluster's slots.
    /// A trial of a fuse group goes with every queued member of its group, as one <see cref="DispatchUnit"/>: one slot,
    /// one prefetch, one unit of the cap. Cost: O(silos + group size) per dispatched unit.
    /// </summary>
    public List<Dispatched> Dispatch(IReadOnlyList<SiloSlots> silos, int maxConcurrent, int prefetchPerSilo, DateTimeOffset now)
    {
        var sent = new List<Dispatched>();
        var usable = silos.Where(s => s.Slots > 0).ToList();
        if (usable.Count == 0) return sent;
        int cap = maxConcurrent > 0 ? maxConcurrent : int.MaxValue;
        int prefetch = cap < usable.Sum(s => s.Slots) ? 0 : prefetchPerSilo;
        var busy = usable.ToDictionary(s => s.Name, s => OnSilo(s.Name)?.Units.Count ?? 0, StringComparer.Ordinal);
        // A unit counts once per silo its members report from (they report one), so this cannot go below 0 but for a unit caught mid-move.
        int onOthers = Math.Max(0, _runningUnits - busy.Values.Sum());
        int training = usable.Sum(s => Math.Min(busy[s.Name], s.Slots)) + onOthers;
        while (PeekQueued() is int index)
        {
            SiloSlots? silo = null;
            if (training < cap)
            {
                foreach (var s in usable)
                    if (busy[s.Name] < s.Slots && (silo is null || s.Slots - busy[s.Name] > silo.Value.Slots - busy[silo.Value.Name])) silo = s;
            }
            bool waits = silo is null;
            if (waits)
            {
                foreach (var s in usable)
                    if (busy[s.Name] >= s.Slots && busy[s.Name] < s.Slots + prefetch
                        && (silo is null || busy[s.Name] - s.Slots < busy[silo.Value.Name] - silo.Value.Slots)) silo = s;
            }
            else training++;
            if (silo is null) break;
            var unit = new DispatchUnit(QueuedMembers(index));
            TakeQueued(index);
            busy[silo.Value.Name]++;
            foreach (int member in unit.Members)
            {
                var trial = new RunningTrial(member, _nextToken++, silo.Value.Name, waits, now, unit);
                Start(trial);
                sent.Add(new Dispatched(member, _specs[member], trial.Silo, trial.Token, waits, unit));
            }
        }
        return sent;
    }

    /// <summary>The start of a dispatch failed (the call threw): the trial goes back to the queue, unless it moved on.</summary>
    public bool StartFailed(int index, int token)
    {
        if (!_running.TryGetValue(index, out var trial) || trial.Token != token) return false;
        Requeue(index);
        return true;
    }

    // ---- trial reports ----

    /// <summary>
    /// A trial's progress. Reports of another dispatch than the current one are ignored, except that a trial the
    /// watchdog re-queued but that is alive after all goes back to running (once). The first report that says it
    /// trains counts an attempt (returned, for the record); a prefetched trial that says it trains on a silo that
    /// is still full took the slot of one whose outcome is on its way, and keeps counting as waiting until that
    /// outcome lands, so no silo shows more trials training than it has slots.
    /// </summary>
    public int? Progress(TrialStatus status, Func<string?, int> slotsOf, DateTimeOffset now)
    {
        if (!_index.TryGetValue(status.TrialId, out int index)) return null;
        if (!_running.TryGetValue(index, out var trial))
        {
            if (_state[index] != TrialState.Queued || !_givenUp.TryGetValue(index, out trial!) || trial.Token != status.Attempt) return null;
            // Back from the queue: its heap entry goes stale and is skipped.
            Start(trial);
        }
        else if (trial.Token != status.Attempt) return null;

        if (status.Silo is { } silo && silo != trial.Silo) MoveSilo(trial, silo);
        bool training = status.State != TrialState.Queued;
        trial.WaitingForSlot = !training || (trial.WaitingForSlot && TrainingOn(trial.Silo, except: trial) >= slotsOf(trial.Silo));
        trial.Status = status;
        trial.LastReportAt = now;
        return training ? CountStart(trial, status.TrainingStartedAt) : null;
    }

    /// <summary>Rows that arrived at any attempt keep the trial alive only when they come from the current dispatch.</summary>
    public void Heard(int index, int token, DateTimeOffset now)
    {
        if (_running.TryGetValue(index, out var trial) && trial.Token == token) trial.LastReportAt = now;
    }

    /// <summary>
    /// The rows of <paramref name="rows"/> not held yet, in step order, one per step. Every attempt sends its rows in step
    /// order and resumes only from a checkpoint at or before <see cref="DeliveredThrough"/>, so the held rows of a trial
    /// are always every scheduled row up to that step: holding only the highest step is enough to drop repeats.
    /// Nothing is taken for a finished trial (its outcome proved its rows held).
    /// </summary>
    public List<MeasurementRow> TakeNewRows(int index, IReadOnlyList<MeasurementRow> rows)
    {
        var fresh = new List<MeasurementRow>();
        if (_state[index] is not (TrialState.Queued or TrialState.Running)) return fresh;
        long through = _delivered[index];
        foreach (var row in rows.OrderBy(r => r.Step))
        {
            if (row.Step <= through) continue;
            fresh.Add(row);
            through = row.Step;
        }
        return fresh;
    }

    /// <summary>Marks rows (from <see cref="TakeNewRows"/>) as held, once they are durable.</summary>
    public void Delivered(int index, IReadOnlyList<MeasurementRow> rows)
    {
        if (rows.Count == 0) return;
        var last = rows[^1];
        if (last.Step <= _delivered[index]) return;
        _delivered[index] = last.Step;
        _last[index] = LastMeasurement.From(last);
        MeasurementRows += rows.Count;
    }

    /// <summary>
    /// Judges a trial's end. Any attempt's outcome of an unfinished trial is taken (the trial is deterministic), but a
    /// completed or diverged one only when the book holds the row of every step it measured: else the trial is queued
    /// again and resumes from its newest checkpoint whose rows are held. A cancelled outcome nobody asked for is not the
    /// trial's end either: it runs again. On <see cref="OutcomeVerdict.Taken"/>, <paramref name="outcome"/> comes back
    /// with the attempt number the book counts (real starts), not the dispatch token the trial knew, and the caller
    /// makes it durable, then calls <see cref="Commit"/>.
    /// </summary>
    public OutcomeVerdict Judge(ref TrialOutcome outcome, bool cancelRequested)
    {
        if (!_index.TryGetValue(outcome.TrialId, out int index)) return OutcomeVerdict.Ignored;
        if (_state[index] is not (TrialState.Queued or TrialState.Running)) return OutcomeVerdict.Ignored;
        bool finished = outcome.State is TrialState.Completed or TrialState.Diverged;
        // An outcome counts the start of its training run if no report did.
        if (_running.TryGetValue(index, out var trial) && trial.Token == outcome.Attempt) CountStart(trial, outcome.TrainingStartedAt);
        else if (outcome.TrainingStartedAt is null) _attempts[index] = Math.Max(_attempts[index], 1); // it trained at least once
        else CountStart(index, outcome.TrainingStartedAt);
        if (finished && outcome.LastMeasuredStep > _delivered[index])
        {
            if (_state[index] == TrialState.Running) Requeue(index);
            return OutcomeVerdict.RowsMissing;
        }
        if (outcome.State == TrialState.Cancelled && !cancelRequested)
        {
            if (_state[index] == TrialState.Running) Requeue(index);
            return OutcomeVerdict.Ignored;
        }
        outcome = outcome with { Attempt = _attempts[index] };
        return OutcomeVerdict.Taken;
    }

    /// <summary>Finishes the trial with an outcome <see cref="Judge"/> took, once it is durable.</summary>
    public void Commit(TrialOutcome outcome)
    {
        int index = _index[outcome.TrialId];
        if (_state[index] is not (TrialState.Queued or TrialState.Running)) return;
        if (_state[index] == TrialState.Running) StopRunning(index);
        _givenUp.Remove(index);
        _outcomes[index] = outcome;
        Move(index, outcome.State);
    }

    /// <summary>Ends a queued trial without training it (a cancelled sweep); the outcome comes back with its attempt count.</summary>
    public TrialOutcome? CancelQueued(int index, string why, DateTimeOffset now)
    {
        if (_state[index] != TrialState.Queued) return null;
        var outcome = new TrialOutcome
        {
            TrialId = _specs[index].TrialId, State = TrialState.Cancelled, Attempt = _attempts[index], Error = why, FinishedAt = now,
        };
        _outcomes[index] = outcome;
        Move(index, TrialState.Cancelled);
        return outcome;
    }

    /// <summary>Every queued trial's index; O(trials), for a cancel.</summary>
    public List<int> QueuedTrials()
    {
        var queued = new List<int>();
        for (int i = 0; i < _specs.Length; i++) if (_state[i] == TrialState.Queued) queued.Add(i);
        return queued;
    }

    /// <summary>Trials on <paramref name="silo"/> that said they train and wait only for an outcome to land take its free slots.</summary>
    public void PromoteWaiting(string silo, int slots)
    {
        if (OnSilo(silo) is not { } onSilo) return;
        var trials = onSilo.Trials.Select(i => _running[i]).ToList();
        int training = trials.Where(t => !t.WaitingForSlot).Select(t => t.Unit).Distinct().Count();
        // A unit that said it trains waits as a whole and takes one slot as a whole.
        foreach (var unit in trials.Where(t => t.WaitingForSlot && t.Status?.State == TrialState.Running).OrderBy(t => t.LastReportAt).Select(t => t.Unit).Distinct().ToList())
        {
            if (training >= slots) break;
            foreach (var trial in trials.Where(t => t.Unit == unit)) trial.WaitingForSlot = false;
            training++;
        }
    }

    /// <summary>Re-queues every running trial on a silo that left the cluster: O(trials on that silo).</summary>
    public List<int> SiloLost(string silo)
    {
        var lost = OnSilo(silo)?.Trials.ToList() ?? [];
        foreach (int index in lost) Requeue(index);
        return lost;
    }

    /// <summary>Re-queues running trials that have not reported since <paramref name="silentSince"/>: O(running trials).</summary>
    public List<int> Silent(DateTimeOffset silentSince)
    {
        var silent = _running.Values.Where(t => t.LastReportAt < silentSince).Select(t => t.Index).ToList();
        foreach (int index in silent) Requeue(index);
        return silent;
    }

    /// <summary>Names of the silos that have running trials (for the watchdog's membership check).</summary>
    public IEnumerable<string> SilosWithTrials => _onSilo.Where(p => p.Value.Trials.Count > 0).Select(p => p.Key);

    // ---- internals ----

    // The dispatch a re-queued trial had, so a late report from it brings it back (see Progress) with its
    // attempt already counted. Bounded by the re-queued trials; a new dispatch drops the entry.
    readonly Dictionary<int, RunningTrial> _givenUp = [];

    int? CountStart(RunningTrial trial, DateTimeOffset? startedAt)
    {
        if (trial.Started) return null;
        trial.Started = true;
        return CountStart(trial.Index, startedAt);
    }

    /// <summary>
    /// Counts a training run once: a run the book counted already (the same start time, say a trial that went on
    /// training across a coordinator failover) is not a new attempt. Returns the new count, or null.
    /// </summary>
    int? CountStart(int index, DateTimeOffset? startedAt)
    {
        if (startedAt is { } at)
        {
            if (at.UtcTicks == _lastStart[index]) return null;
            _lastStart[index] = at.UtcTicks;
        }
        return ++_attempts[index];
    }

    /// <summary>When the training run counted last began (for the record), or null.</summary>
    public DateTimeOffset? LastStart(int index) => _lastStart[index] == 0 ? null : new DateTimeOffset(_lastStart[index], TimeSpan.Zero);

    /// <summary>Units on <paramref name="silo"/> other than <paramref name="except"/>'s that train (a member said so): O(trials on the silo).</summary>
    int TrainingOn(string silo, RunningTrial except) =>
        OnSilo(silo)?.Trials.Select(i => _running[i]).Where(t => t.Unit != except.Unit && !t.WaitingForSlot).Select(t => t.Unit).Distinct().Count() ?? 0;

    SiloTrials? OnSilo(string silo) => _onSilo.GetValueOrDefault(silo);

    /// <summary>The queued members of <paramref name="index"/>'s fuse group, in plan order (just it, when it trains alone).</summary>
    int[] QueuedMembers(int index)
    {
        int size = FuseGroupSize(index);
        if (size == 1) return [index];
        int first = _groupOf![index];
        var members = new List<int>(size);
        for (int i = first; i < first + size; i++)
            if (_state[i] == TrialState.Queued) members.Add(i);
        return [.. members];
    }

    void Start(RunningTrial trial)
    {
        Move(trial.Index, TrialState.Running);
        _running[trial.Index] = trial;
        _givenUp.Remove(trial.Index);
        if (trial.Unit.Running++ == 0) _runningUnits++;
        AddToSilo(trial);
    }

    void Requeue(int index)
    {
        if (_running.TryGetValue(index, out var trial))
        {
            _givenUp[index] = trial;
            StopRunning(index);
        }
        Move(index, TrialState.Queued);
        if (index < _cursor) _requeued.Enqueue(index, index);
    }

    void StopRunning(int index)
    {
        var trial = _running[index];
        _running.Remove(index);
        if (--trial.Unit.Running == 0) _runningUnits--;
        _onSilo[trial.Silo].Remove(trial);
    }

    void MoveSilo(RunningTrial trial, string silo)
    {
        _onSilo[trial.Silo].Remove(trial);
        trial.Silo = silo;
        AddToSilo(trial);
    }

    void AddToSilo(RunningTrial trial)
    {
        if (!_onSilo.TryGetValue(trial.Silo, out var onSilo)) _onSilo[trial.Silo] = onSilo = new SiloTrials();
        onSilo.Add(trial);
    }

    /// <summary>The running trials on one silo, and the units they belong to (one slot each, however many members are there).</summary>
    sealed class SiloTrials
    {
        public HashSet<int> Trials { get; } = [];

        public Dictionary<DispatchUnit, int> Units { get; } = [];

        public void Add(RunningTrial trial)
        {
            if (!Trials.Add(trial.Index)) return;
            Units[trial.Unit] = Units.GetValueOrDefault(trial.Unit) + 1;
        }

        public void Remove(RunningTrial trial)
        {
            if (!Trials.Remove(trial.Index)) return;
            if (--Units[trial.Unit] == 0) Units.Remove(trial.Unit);
        }
    }

    int? PeekQueued()
    {
        while (_requeued.TryPeek(out int index, out _))
        {
            if (_state[index] == TrialState.Queued) return index;
            _requeued.Dequeue();
        }
        while (_cursor < _specs.Length && _state[_cursor] != TrialState.Queued) _cursor++;
        return _cursor < _specs.Length ? _cursor : null;
    }

    void TakeQueued(int index)
    {
        if (_requeued.TryPeek(out int top, out _) && top == index) _requeued.Dequeue();
        else _cursor = index + 1;
    }

    void Move(int index, TrialState to)
    {
        _counts[(int)_state[index]]--;
        _state[index] = to;
        _counts[(int)to]++;
    }
}

/// <summary>A dispatched trial: where it runs, which dispatch it is, and what it last said.</summary>
public sealed class RunningTrial(int index, int token, string silo, bool WaitingForSlot, DateTimeOffset dispatchedAt, DispatchUnit unit)
{
    public int Index { get; } = index;

    /// <summary>The dispatch it went out with: alone, or with the other seeds of its fuse group.</summary>
    public DispatchUnit Unit { get; } = unit;

    /// <summary>Unique per dispatch within one coordinator activation; the trial's reports carry it as their attempt.</summary>
    public int Token { get; } = token;

    /// <summary>Silo name it runs on (predicted at dispatch, then as reported).</summary>
    public string Silo { get; set; } = silo;

    /// <summary>Dispatched beyond its silo's slots (prefetched) and, as last heard, still waiting for one.</summary>
    public bool WaitingForSlot { get; set; } = WaitingForSlot;

    public DateTimeOffset LastReportAt { get; set; } = dispatchedAt;

    public TrialStatus? Status { get; set; }

    /// <summary>Whether this dispatch has counted its attempt (it said it trains, or it finished).</summary>
    public bool Started { get; set; }
}
