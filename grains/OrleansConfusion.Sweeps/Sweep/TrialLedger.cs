using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// What happened to each trial of a sweep: its state, its real starts of training (attempts), the rows held for it
/// (through which step, and the last one's headline values) and its outcome. One array slot per trial and a count per
/// state, so every question and every event costs O(1); the plan order is the index. It knows nothing of queues,
/// silos or time: <see cref="Sweep"/> asks it and tells it.
/// </summary>
public sealed class TrialLedger
{
    readonly TrialSpec[] _specs;
    readonly Dictionary<string, int> _index;
    readonly TrialState[] _state;
    readonly int[] _attempts;
    readonly long[] _lastStart; // UTC ticks of the training run counted last (0: none)
    readonly long[] _delivered;
    readonly int[] _startFailures;
    readonly TrialOutcome?[] _outcomes;
    readonly LastMeasurement?[] _last;
    readonly int[] _counts = new int[Enum.GetValues<TrialState>().Max(s => (int)s) + 1];

    public TrialLedger(IReadOnlyList<TrialSpec> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int n = plan.Count;
        _specs = [.. plan];
        _index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++) _index.Add(_specs[i].TrialId, i);
        _state = new TrialState[n];
        _attempts = new int[n];
        _lastStart = new long[n];
        _delivered = new long[n];
        Array.Fill(_delivered, -1);
        _startFailures = new int[n];
        _outcomes = new TrialOutcome?[n];
        _last = new LastMeasurement?[n];
        _counts[(int)TrialState.Queued] = n;
    }

    public int Count => _specs.Length;

    public TrialSpec Spec(int index) => _specs[index];

    public bool TryIndex(string trialId, out int index) => _index.TryGetValue(trialId, out index);

    public TrialState State(int index) => _state[index];

    public int CountOf(TrialState state) => _counts[(int)state];

    /// <summary>Trials not yet completed, diverged, failed or cancelled.</summary>
    public int Unfinished => CountOf(TrialState.Queued) + CountOf(TrialState.Running);

    /// <summary>Whether the trial still takes rows and outcomes (queued or running).</summary>
    public bool IsOpen(int index) => _state[index] is TrialState.Queued or TrialState.Running;

    /// <summary>Real starts of training: dispatches that reported training (or finished) count, dispatches to a dead silo do not.</summary>
    public int Attempts(int index) => _attempts[index];

    /// <summary>When the training run counted last began (for the record), or null.</summary>
    public DateTimeOffset? LastStart(int index) => _lastStart[index] == 0 ? null : new DateTimeOffset(_lastStart[index], TimeSpan.Zero);

    /// <summary>The highest step whose row is held (−1: none). Every scheduled row up to it is held too (see <see cref="TakeNewRows"/>).</summary>
    public long DeliveredThrough(int index) => _delivered[index];

    public TrialOutcome? Outcome(int index) => _outcomes[index];

    public LastMeasurement? Last(int index) => _last[index];

    /// <summary>Rows held in all.</summary>
    public long MeasurementRows { get; private set; }

    /// <summary>Whether the book holds the row of every step the outcome names as measured (only finished outcomes name any that matter).</summary>
    public bool HoldsRowsOf(int index, TrialOutcome outcome) =>
        outcome.State is not (TrialState.Completed or TrialState.Diverged) || outcome.LastMeasuredStep <= _delivered[index];

    /// <summary>Every trial in <paramref name="state"/>, in plan order: O(trials), for a cancel or a resubmit.</summary>
    public List<int> InState(TrialState state)
    {
        var found = new List<int>();
        for (int i = 0; i < _specs.Length; i++) if (_state[i] == state) found.Add(i);
        return found;
    }

    // ---- restoring from the output's record (before the first dispatch) ----

    /// <summary>A row already held (from the record): only the highest step per trial matters.</summary>
    /// <summary>
    /// A row read back from the output, in the order it was written; false when the ledger holds its step already (a row a
    /// cut-off coordinator took after its successor had loaded: the trial sent it to the successor too).
    /// </summary>
    public bool RestoreDelivered(int index, MeasurementRow row)
    {
        if (row.Step <= _delivered[index]) return false;
        MeasurementRows++;
        _delivered[index] = row.Step;
        _last[index] = LastMeasurement.From(row);
        return true;
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
        // An outcome older than the one held (a cut-off coordinator's, read after its successor's) changes nothing.
        if (_outcomes[index] is { } held && held.FinishedAt > outcome.FinishedAt) return;
        // A newer outcome replaces an older one, whatever becomes of it.
        Reopen(index);
        bool finished = outcome.State is TrialState.Completed or TrialState.Diverged;
        if (!HoldsRowsOf(index, outcome)) return;
        if (!finished && rerunUnfinished) return;
        Finish(index, outcome);
    }

    // ---- events ----

    /// <summary>
    /// Counts a training run once: a run counted already (the same start time, say a trial that went on training across
    /// a coordinator failover) is not a new attempt. Returns the new count, or null.
    /// </summary>
    public int? CountStart(int index, DateTimeOffset? startedAt)
    {
        if (startedAt is { } at)
        {
            if (at.UtcTicks == _lastStart[index]) return null;
            _lastStart[index] = at.UtcTicks;
        }
        return ++_attempts[index];
    }

    /// <summary>A start of the trial failed (the call threw); returns how many failed in a row.</summary>
    public int StartFailed(int index) => ++_startFailures[index];

    /// <summary>The trial answered a start: the run of failed starts is over.</summary>
    public void StartAnswered(int index) => _startFailures[index] = 0;

    /// <summary>An outcome proves the trial trained at least once, even when no start of it was heard.</summary>
    public void TrainedAtLeastOnce(int index) => _attempts[index] = Math.Max(_attempts[index], 1);

    /// <summary>
    /// The rows of <paramref name="rows"/> not held yet, in step order, one per step. Every attempt sends its rows in step
    /// order and resumes only from a checkpoint at or before <see cref="DeliveredThrough"/>, so the held rows of a trial
    /// are always every scheduled row up to that step: holding only the highest step is enough to drop repeats.
    /// Nothing is taken for a finished trial (its outcome proved its rows held).
    /// </summary>
    public List<MeasurementRow> TakeNewRows(int index, IReadOnlyList<MeasurementRow> rows)
    {
        var fresh = new List<MeasurementRow>();
        if (!IsOpen(index)) return fresh;
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

    /// <summary>Moves a trial between the open states (queued, running).</summary>
    public void Move(int index, TrialState to)
    {
        _counts[(int)_state[index]]--;
        _state[index] = to;
        _counts[(int)to]++;
    }

    /// <summary>Ends the trial with its outcome.</summary>
    public void Finish(int index, TrialOutcome outcome)
    {
        _outcomes[index] = outcome;
        Move(index, outcome.State);
    }

    /// <summary>Puts a trial back in the queue's state, its outcome (if any) dropped; its rows and attempts stay.</summary>
    public void Reopen(int index)
    {
        _outcomes[index] = null;
        if (_state[index] != TrialState.Queued) Move(index, TrialState.Queued);
    }
}
