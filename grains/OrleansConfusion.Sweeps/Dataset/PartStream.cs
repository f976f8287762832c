using System.Text.Json.Serialization.Metadata;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// One kind of a sweep's dataset (metrics, trials or logs) as its coordinator writes it. Rows are appended to the
/// current record segment, where they are durable before the coordinator acknowledges them, and kept in a buffer.
/// Sealing writes the buffer, completed (the configuration columns) and sorted, as the part named like the segment,
/// then deletes the segment: the part replaces it. So the record holds only what is not sealed yet, and a row is in
/// exactly one of the segment and the part (a crash between the two leaves both; the loader sees the part and drops
/// the segment). Appends and seals take turns (interleaved grain turns could otherwise seal a buffer mid-append).
/// </summary>
public sealed class PartStream<T>(string sweepDirectory, string kind, int generation, JsonTypeInfo<T> json, IComparer<T> order, Func<T, T> complete)
    : IPartStream where T : class
{
    readonly SemaphoreSlim _turn = new(1, 1);
    readonly List<T> _buffer = [];
    JsonLinesWriter<T>? _segment;
    int _current; // the open segment's sequence number (its part's, once sealed)
    int _next = 1;
    DateTime _oldest;

    public string Kind => kind;

    /// <summary>Rows appended but not sealed yet.</summary>
    public int Buffered => _buffer.Count;

    /// <summary>Parts this stream sealed.</summary>
    public int Sealed { get; private set; }

    public long BytesAppended { get; private set; }

    public async Task AppendAsync(IReadOnlyCollection<T> rows, DateTime now, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0) return;
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_segment is null)
            {
                _current = _next++;
                _segment = new JsonLinesWriter<T>(Path.Combine(sweepDirectory, DatasetLayout.RecordFolder, DatasetLayout.SegmentName(kind, generation, _current)), json);
            }
            long before = _segment.BytesWritten;
            await _segment.AppendAsync(rows, cancellationToken);
            BytesAppended += _segment.BytesWritten - before;
            if (_buffer.Count == 0) _oldest = now;
            _buffer.AddRange(rows);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Whether the buffer holds <paramref name="rows"/> rows, or its oldest row is <paramref name="age"/> old.</summary>
    public bool Due(DateTime now, int rows, TimeSpan age) => _buffer.Count >= rows || (_buffer.Count > 0 && now - _oldest >= age);

    /// <summary>Seals the buffer as the next part (nothing when it is empty); returns the part's path, or null.</summary>
    public async Task<string?> SealAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_buffer.Count == 0) return null;
            string name = DatasetLayout.PartName(generation, _current);
            // Sorting and encoding a part of 50,000 rows is CPU work of a good fraction of a second: on the thread pool,
            // not the caller's (the coordinator grain's) scheduler, so status calls interleave meanwhile. The buffer is
            // safe to read there: every append waits for this turn.
            var buffer = _buffer;
            await Task.Run(async () =>
            {
                var rows = buffer.Select(complete).ToList();
                rows.Sort(order);
                await PartFile.WriteAsync(Path.Combine(sweepDirectory, kind), name, rows, cancellationToken);
            }, cancellationToken);
            _buffer.Clear();
            if (_segment is not null)
            {
                await _segment.DisposeAsync();
                File.Delete(_segment.Path);
                _segment = null;
            }
            Sealed++;
            return Path.Combine(sweepDirectory, kind, name);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// Takes a sequence number for a part written beside this stream (a compaction's output), from the same counter the
    /// stream numbers its segments by, so no seal of this stream ever lands on its name.
    /// </summary>
    public async Task<int> TakeSequenceAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            return _next++;
        }
        finally
        {
            _turn.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_segment is not null) await _segment.DisposeAsync();
        _segment = null;
    }
}
