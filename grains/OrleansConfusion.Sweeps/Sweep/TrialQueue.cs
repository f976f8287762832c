using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// What runs next: queued trials in plan order, re-queued ones first (they have checkpoints), and a trial's fuse group
/// with it. Never-dispatched trials are the queued ones at or after a cursor; re-queued trials (always before it) wait
/// in a heap. A heap entry goes stale when its trial leaves the queued state another way (a late outcome, a report
/// from an attempt the watchdog gave up on) and is skipped when it reaches the top. Every operation is O(log n) or
/// O(group size), never O(trials).
/// </summary>
public sealed class TrialQueue
{
    readonly TrialLedger _ledger;

    // Fuse groups: the first trial of each trial's group (itself when it trains alone), and each group's size. A group
    // is a run of consecutive trials in the plan, so its members are [_groupOf[i], _groupOf[i] + _groupSize[_groupOf[i]]).
    readonly int[]? _groupOf;
    readonly int[]? _groupSize;

    readonly PriorityQueue<int, int> _requeued = new();
    int _cursor;

    /// <param name="ledger">The sweep's ledger, whose states say which trials are queued.</param>
    /// <param name="fuseGroups">
    /// Per trial, the index of the first trial of its fuse group (its own index when it trains alone), or null when
    /// nothing fuses. The queued members of a group leave the queue together, as one unit.
    /// </param>
    public TrialQueue(TrialLedger ledger, IReadOnlyList<int>? fuseGroups = null)
    {
        _ledger = ledger;
        if (fuseGroups is null) return;
        int n = ledger.Count;
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

    /// <summary>The size of the fuse group trial <paramref name="index"/> is in (1: it trains alone).</summary>
    public int FuseGroupSize(int index) => _groupOf is null ? 1 : _groupSize![_groupOf[index]];

    /// <summary>Whether <paramref name="fuseGroups"/> groups the trials as this queue does (none: every trial alone).</summary>
    public bool GroupsAlike(IReadOnlyList<int>? fuseGroups)
    {
        if (fuseGroups is not null && fuseGroups.Count != _ledger.Count) return false;
        for (int i = 0; i < _ledger.Count; i++)
            if ((fuseGroups?[i] ?? i) != (_groupOf?[i] ?? i)) return false;
        return true;
    }

    /// <summary>The next trial to dispatch, or null when none is queued.</summary>
    public int? Peek()
    {
        while (_requeued.TryPeek(out int index, out _))
        {
            if (_ledger.State(index) == TrialState.Queued) return index;
            _requeued.Dequeue();
        }
        while (_cursor < _ledger.Count && _ledger.State(_cursor) != TrialState.Queued) _cursor++;
        return _cursor < _ledger.Count ? _cursor : null;
    }

    /// <summary>
    /// Takes <paramref name="index"/> (what <see cref="Peek"/> gave) off the queue with the queued members of its fuse
    /// group, in plan order (just it when it trains alone). The caller moves them out of the queued state.
    /// </summary>
    public int[] Take(int index)
    {
        if (_requeued.TryPeek(out int top, out _) && top == index) _requeued.Dequeue();
        else _cursor = index + 1;
        int size = FuseGroupSize(index);
        if (size == 1) return [index];
        int first = _groupOf![index];
        var members = new List<int>(size);
        for (int i = first; i < first + size; i++)
            if (_ledger.State(i) == TrialState.Queued) members.Add(i);
        return [.. members];
    }

    /// <summary>A trial the ledger has just put back in the queued state goes before never-dispatched ones.</summary>
    public void Requeued(int index)
    {
        if (index < _cursor) _requeued.Enqueue(index, index);
    }

    /// <summary>Starts over from the first trial (after a resubmit re-opened failed and cancelled trials anywhere in the plan).</summary>
    public void Rewind()
    {
        _cursor = 0;
        _requeued.Clear();
    }
}
