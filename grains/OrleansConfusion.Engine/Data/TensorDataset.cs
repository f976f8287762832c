using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Data;

/// <summary>
/// A whole split held as two tensors, because the confusion measurement needs many per-sample and
/// per-minibatch gradients over the same fixed data and indexing a resident tensor is far cheaper than
/// re-reading files. The dataset owns its tensors and frees them in <see cref="Dispose"/>.
/// </summary>
public sealed class TensorDataset : IDisposable
{
    bool disposed;

    /// <summary>
    /// Takes ownership of <paramref name="inputs"/> (float32, [N, ...]) and <paramref name="labels"/> (int64, [N]).
    /// They are detached from any dispose scope so that the scope they were made in cannot free them under us.
    /// </summary>
    public TensorDataset(Tensor inputs, Tensor labels, int numClasses, string name)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        if (inputs.dtype != ScalarType.Float32)
            throw new ArgumentException($"inputs must be float32, got {inputs.dtype}", nameof(inputs));
        if (inputs.dim() < 2)
            throw new ArgumentException($"inputs must be [N, ...] with at least 2 dimensions, got [{string.Join(", ", inputs.shape)}]", nameof(inputs));
        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1)
            throw new ArgumentException($"labels must be int64 [N], got {labels.dtype} [{string.Join(", ", labels.shape)}]", nameof(labels));
        if (labels.shape[0] != inputs.shape[0])
            throw new ArgumentException($"{inputs.shape[0]} inputs but {labels.shape[0]} labels", nameof(labels));

        Inputs = inputs.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        NumClasses = numClasses;
        Name = name;
    }

    /// <summary>float32, [N, C, H, W] for images or [N, D] for the sphere.</summary>
    public Tensor Inputs { get; }

    /// <summary>int64 class indices, [N].</summary>
    public Tensor Labels { get; }

    public int Count => (int)Inputs.shape[0];

    public int NumClasses { get; }

    /// <summary>The shape of one sample (a fresh array each call), e.g. [1, 28, 28] or [D].</summary>
    public long[] SampleShape => Inputs.shape[1..];

    public string Name { get; }

    /// <summary>
    /// <paramref name="count"/> rows chosen by a seeded partial shuffle, kept in their original order. The
    /// choice depends only on (Count, count, seed), so every silo picks the same rows, and with one seed a
    /// smaller subset is contained in a larger one. Asking for Count or more returns a copy of everything.
    /// </summary>
    public TensorDataset Subset(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Select(SubsetIndices(Count, count, seed));
    }

    /// <summary>A new dataset holding copies of the given rows, in the given order.</summary>
    public TensorDataset Select(long[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ObjectDisposedException.ThrowIf(disposed, this);
        int n = Count;
        foreach (long i in indices)
            if (i < 0 || i >= n) throw new ArgumentOutOfRangeException(nameof(indices), $"index {i} is outside 0..{n - 1}");

        using var scope = NewDisposeScope();
        var index = tensor(indices, [indices.LongLength]);
        return new TensorDataset(Inputs.index_select(0, index), Labels.index_select(0, index), NumClasses, Name);
    }

    internal static long[] SubsetIndices(int total, int count, long seed)
    {
        if (count >= total) return [.. Enumerable.Range(0, total).Select(i => (long)i)];
        var order = new int[total];
        for (int i = 0; i < total; i++) order[i] = i;
        var rng = SplitMix64.ForStream(seed, stream: 0x5B5E7);
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.NextInt(total - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var chosen = order[..count];
        Array.Sort(chosen);
        return [.. chosen.Select(i => (long)i)];
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Inputs.Dispose();
        Labels.Dispose();
    }
}
