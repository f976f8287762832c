using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>The newest log lines of a sweep, kept in memory for `confusion logs` against a cluster: a ring of fixed size.</summary>
public sealed class RecentLogs(int capacity = 1000)
{
    readonly Queue<TrialLogRow> _rows = new(capacity);

    public void Add(IEnumerable<TrialLogRow> rows)
    {
        foreach (var row in rows)
        {
            if (_rows.Count == capacity) _rows.Dequeue();
            _rows.Enqueue(row);
        }
    }

    /// <summary>The newest <paramref name="count"/> lines (of one trial, when given), oldest first.</summary>
    public TrialLogRow[] Newest(string? trialId, int count) =>
        [.. _rows.Where(r => trialId is null || r.TrialId == trialId).TakeLast(Math.Max(0, count))];
}
