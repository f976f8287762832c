namespace OrleansConfusion.Sweeps;

/// <summary>
/// Tells watchers that a sweep's status changed, without a queue: each watcher remembers the last version it saw and
/// waits for a newer one, so a slow watcher skips intermediate states instead of piling them up (bounded and
/// coalesced by construction). Single-threaded: the coordinator grain's scheduler calls and awaits it.
/// </summary>
public sealed class StatusFeed
{
    TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Rises at every change.</summary>
    public long Version { get; private set; }

    public void Changed()
    {
        Version++;
        var reached = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reached.TrySetResult();
    }

    /// <summary>Completes once the version is past <paramref name="seen"/> (at once if it already is).</summary>
    public Task WaitPastAsync(long seen, CancellationToken cancellationToken) =>
        Version != seen ? Task.CompletedTask : _next.Task.WaitAsync(cancellationToken);
}
