using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;

namespace OrleansConfusion.Grains;

/// <summary>
/// One loaded copy of each dataset per process, shared by the trials training on it at once (they
/// only read it). Keyed by the whole <see cref="DatasetConfig"/> (a record, so subsets and seeds are
/// part of the key). A dataset nobody leases is kept until another one is needed, so consecutive
/// trials of a sweep do not reload it, while memory stays bounded by what is in use plus one.
/// </summary>
public sealed class DatasetCache : IDisposable
{
    readonly Lock _lock = new();
    readonly Dictionary<DatasetConfig, Entry> _entries = [];

    /// <summary>Loads (or reuses) the dataset; dispose the lease when the trial is done with it.</summary>
    public DatasetLease Acquire(DatasetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_lock)
        {
            if (!_entries.TryGetValue(config, out var entry))
            {
                EvictIdle();
                entry = new Entry(DatasetLoader.Load(config));
                _entries[config] = entry;
            }
            entry.Leases++;
            return new DatasetLease(entry.Data, () => Return(config));
        }
    }

    public int LoadedCount
    {
        get { lock (_lock) return _entries.Count; }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var e in _entries.Values) e.Data.Dispose();
            _entries.Clear();
        }
    }

    void Return(DatasetConfig config)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(config, out var entry)) entry.Leases--;
        }
    }

    void EvictIdle()
    {
        foreach (var (key, entry) in _entries.Where(e => e.Value.Leases == 0).ToList())
        {
            entry.Data.Dispose();
            _entries.Remove(key);
        }
    }

    sealed class Entry(DatasetSplits data)
    {
        public DatasetSplits Data { get; } = data;
        public int Leases { get; set; }
    }
}
