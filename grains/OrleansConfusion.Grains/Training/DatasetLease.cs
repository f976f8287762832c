using OrleansConfusion.Engine.Data;

namespace OrleansConfusion.Grains;

/// <summary>A trial's use of a cached dataset; disposing it returns the dataset to the cache, not frees it.</summary>
public sealed class DatasetLease(DatasetSplits data, Action release) : IDisposable
{
    int _released;

    public DatasetSplits Data { get; } = data;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) release();
    }
}
