using Parquet;
using Parquet.Schema;
using OrleansConfusion.Sweeps;

namespace OrleansConfusion.Bench;

/// <summary>
/// A reader beside a running sweep, as a researcher's notebook would be: it polls the sweep's metrics/ folder every
/// <see cref="Poll"/> and, for each part it sees for the first time, takes the time from each row's <c>recorded_at</c>
/// (set when the trial grain took the row from its trainer, so before the coordinator acknowledged it) to that moment.
/// That bounds from above the time from a row's acknowledgement until a glob sees it. A part that appears in the same
/// poll as others vanish is a merge at the sweep's end, not new rows, and is not counted.
/// </summary>
internal sealed class DatasetWatcher(string sweepDirectory) : IAsyncDisposable
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    readonly CancellationTokenSource _stop = new();
    readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    // A histogram of 0.1 s bins up to 10 minutes, not a list: the bench measures the process's memory, and a list of
    // 1.6 M latencies would add 13 MB to it.
    const double BinSeconds = 0.1;
    readonly long[] _bins = new long[6001];
    Task? _loop;

    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>Rows seen.</summary>
    public long Rows => _bins.Sum();

    /// <summary>The <paramref name="q"/> quantile of the seconds from a row's recording until a poll saw its part (a bin's upper edge).</summary>
    public double Quantile(double q)
    {
        long target = (long)Math.Ceiling(q * Rows), seen = 0;
        for (int i = 0; i < _bins.Length; i++)
            if ((seen += _bins[i]) >= target) return (i + 1) * BinSeconds;
        return double.NaN;
    }

    async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await PollAsync();
            try { await Task.Delay(Poll, _stop.Token); }
            catch (OperationCanceledException) { }
        }
    }

    async Task PollAsync()
    {
        var current = DatasetLayout.Parts(sweepDirectory, DatasetLayout.Metrics).Select(p => p.Path).ToList();
        DateTime seenAt = DateTime.UtcNow;
        bool merged = _seen.Any(p => !current.Contains(p));
        foreach (string part in current.Where(p => !_seen.Contains(p)))
        {
            try
            {
                if (!merged)
                    foreach (var at in await RecordedAtAsync(part))
                        _bins[Math.Clamp((int)((seenAt - at).TotalSeconds / BinSeconds), 0, _bins.Length - 1)]++;
                _seen.Add(part);
            }
            catch (IOException) { } // merged away between the listing and the read
        }
        _seen.IntersectWith(current);
    }

    static async Task<List<DateTime>> RecordedAtAsync(string part)
    {
        await using var stream = File.OpenRead(part);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var field = reader.Schema.Fields.OfType<DataField>().First(f => f.Name == "recorded_at");
        var times = new List<DateTime>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var column = new DateTime[checked((int)group.RowCount)];
            await group.ReadAsync(field, column.AsMemory());
            times.AddRange(column);
        }
        return times;
    }

    bool _disposed;

    /// <summary>Stops polling and takes the last parts (sealed at the end); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        await PollAsync(); // the last parts, sealed at the end
        _stop.Dispose();
    }
}
