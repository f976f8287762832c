using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// Grain storage that outlives any one silo, as Redis does in a real cluster. Orleans' memory storage
/// keeps state in grains that die with their silo, which would turn the hard-kill test into a test of
/// lost storage. States are deep-copied so activations never share objects; etags are checked.
/// <see cref="ConflictOnNextWrite"/> makes one write fail with the etag conflict another activation's write would cause.
/// </summary>
public sealed class ProcessWideGrainStorage(DeepCopier copier) : IGrainStorage
{
    static readonly ConcurrentDictionary<string, (object State, string ETag)> Store = new();
    static readonly ConcurrentDictionary<string, TaskCompletionSource> Conflicts = new();

    /// <summary>
    /// The next write of state <paramref name="stateName"/> of the grain whose key is <paramref name="grainKey"/> fails
    /// with <see cref="InconsistentStateException"/>, as when another activation wrote it since this one read it. The
    /// task completes when that write was refused.
    /// </summary>
    public static Task ConflictOnNextWrite(string stateName, string grainKey)
    {
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Conflicts[$"{stateName}|{grainKey}"] = refused;
        return refused.Task;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Store.TryGetValue(Key(stateName, grainId), out var stored))
        {
            grainState.State = copier.Copy((T)stored.State);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Conflicts.TryRemove($"{stateName}|{grainId.Key}", out var conflict))
        {
            conflict.SetResult();
            throw new InconsistentStateException($"etag mismatch for {stateName} of {grainId}: another activation wrote it (forced by the test)",
                Guid.NewGuid().ToString("N"), grainState.ETag ?? "");
        }
        string key = Key(stateName, grainId);
        string etag = Guid.NewGuid().ToString("N");
        var copy = copier.Copy(grainState.State)!;
        lock (Store)
        {
            string? current = Store.TryGetValue(key, out var stored) ? stored.ETag : null;
            if (current != grainState.ETag)
                throw new InconsistentStateException($"etag mismatch for {key}", current ?? "", grainState.ETag ?? "");
            Store[key] = (copy, etag);
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Store.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    static string Key(string stateName, GrainId grainId) => $"{stateName}|{grainId}";
}
