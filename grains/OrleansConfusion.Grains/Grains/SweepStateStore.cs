using Orleans.Storage;

namespace OrleansConfusion.Grains;

/// <summary>
/// A coordinator's stored state, written by one activation at a time. An etag conflict means another activation wrote
/// it since this one read it, so this one is no longer the sweep's owner: it is fenced (stops dispatching and writing)
/// instead of overwriting. A stored generation above its own, read back now and then, fences it the same way.
/// </summary>
internal sealed class SweepStateStore(string sweepId, IPersistentState<SweepCoordinatorState> stored)
{
    readonly SemaphoreSlim _saveLock = new(1, 1);

    public SweepCoordinatorState State => stored.State;

    /// <summary>Why this activation no longer owns the sweep, or null while it does.</summary>
    public string? FencedBy { get; private set; }

    /// <summary>Raised once, when this activation is fenced.</summary>
    public event Action<string, Exception?>? Fenced;

    public async Task SaveAsync()
    {
        ThrowIfFenced();
        await _saveLock.WaitAsync();
        try
        {
            await stored.WriteStateAsync();
        }
        catch (InconsistentStateException e)
        {
            Fence("another activation stored the sweep's state since this one read it", e);
            throw;
        }
        finally
        {
            _saveLock.Release();
        }
    }

    /// <summary>
    /// Reads the stored state back: a higher generation there means another activation claimed the sweep (Orleans can run
    /// two for a while after a silo dies). Storage that does not answer tells nothing; the caller asks again later.
    /// True only when the read answered and this activation still owns the sweep. The activation's own state object stays
    /// in place whatever the read brings: a read that replaced it would drop what an interleaved turn changed and had not
    /// stored yet (the sweep's end, set while its final files were written, was lost that way and the sweep stayed Running).
    /// </summary>
    public async Task<bool> CheckOwnershipAsync(Action<Exception> unreadable)
    {
        await _saveLock.WaitAsync();
        var kept = State;
        int mine = kept.Generation, theirs;
        try
        {
            await stored.ReadStateAsync();
            theirs = stored.State.Generation;
        }
        catch (Exception e)
        {
            unreadable(e);
            return false;
        }
        finally
        {
            stored.State = kept;
            _saveLock.Release();
        }
        if (theirs == mine) return FencedBy is null;
        Fence($"generation {theirs} took the sweep over from this activation's {mine}");
        return false;
    }

    public void ThrowIfFenced()
    {
        if (FencedBy is not null)
            throw new InvalidOperationException($"this activation of sweep '{sweepId}' was superseded ({FencedBy}); retry to reach the current one");
    }

    /// <summary>Fences this activation for a reason found outside the storage (a later generation in the output folder).</summary>
    public void Supersede(string why, Exception e) => Fence(why, e);

    void Fence(string why, Exception? e = null)
    {
        if (FencedBy is not null) return;
        FencedBy = why;
        Fenced?.Invoke(why, e);
    }
}
