using System.Runtime.CompilerServices;
using OrleansConfusion.Grains.Abstractions;

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

    /// <summary>
    /// One watcher's statuses: the newest at once, then after each change (or <paramref name="keepAlive"/> without one)
    /// and at least <paramref name="interval"/> apart, so changes in between are coalesced; ends after the first status of
    /// a sweep that no longer runs. The keep-alive bounds what a lost wake-up or a broken transport can hide from a
    /// watcher, and lets a client tell a silent stream from a quiet sweep.
    /// </summary>
    public async IAsyncEnumerable<SweepStatus> FollowAsync(Func<SweepStatus> status, TimeSpan interval, TimeSpan keepAlive,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            long seen = Version;
            var current = status();
            yield return current;
            if (current.State is not SweepState.Running) yield break;
            await Task.WhenAny(WaitPastAsync(seen, cancellationToken), Task.Delay(keepAlive, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary>Completes once the version is past <paramref name="seen"/> (at once if it already is).</summary>
    public Task WaitPastAsync(long seen, CancellationToken cancellationToken) =>
        Version != seen ? Task.CompletedTask : _next.Task.WaitAsync(cancellationToken);
}
