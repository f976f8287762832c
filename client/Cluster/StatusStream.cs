using System.Runtime.CompilerServices;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Cluster;

/// <summary>
/// A sweep's statuses as its coordinator pushes them (<see cref="ISweepCoordinatorGrain.WatchAsync"/>), through a
/// coordinator failover: when the coordinator's silo dies or its activation is superseded, the stream breaks, and this
/// subscribes again (backoff 0.5 s doubling to 5 s) to wherever the coordinator activates next. Bounded: after about 3
/// minutes of failures in a row (as <see cref="CoordinatorCalls"/>) the error stands. It ends after the first status of
/// a sweep that no longer runs. Nothing is polled: the coordinator sends a status when the sweep changes and at least
/// every WatchKeepAlive (15 s) while it does not; a stream silent for <see cref="Silence"/> is taken as lost (its wake-up
/// or its activation gone without an error reaching this client) and subscribed again, which starts with the newest status.
/// </summary>
public static class StatusStream
{
    const int MaxFailuresInARow = 40;

    /// <summary>Four keep-alives: no healthy stream is this quiet.</summary>
    public static readonly TimeSpan Silence = TimeSpan.FromSeconds(60);

    public static async IAsyncEnumerable<SweepStatus> FollowAsync(ISweepCoordinatorGrain coordinator, [EnumeratorCancellation] CancellationToken cancellationToken,
        TimeSpan? silence = null)
    {
        int failures = 0;
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            var statuses = coordinator.WatchAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    bool moved;
                    try
                    {
                        moved = await statuses.MoveNextAsync().AsTask().WaitAsync(silence ?? Silence, cancellationToken);
                    }
                    catch (Exception e) when (Transient(e) && !cancellationToken.IsCancellationRequested && ++failures < MaxFailuresInARow)
                    {
                        break;
                    }
                    if (!moved) yield break;
                    (failures, delay) = (0, TimeSpan.FromMilliseconds(500));
                    yield return statuses.Current;
                    if (statuses.Current.State is not SweepState.Running) yield break;
                }
            }
            finally
            {
                // Bounded: a silent stream's pending MoveNext may keep its dispose waiting.
                try { await statuses.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None); }
                catch (Exception) { /* the broken stream's enumerator is gone with its activation, or abandoned */ }
            }
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    /// <summary>What a coordinator failover looks like from a client: the stream aborted, calls time out or are refused, or the old activation says it was superseded.</summary>
    static bool Transient(Exception e) => e is EnumerationAbortedException or TimeoutException or OrleansException
        || (e is InvalidOperationException && e.Message.Contains("superseded", StringComparison.Ordinal));
}
