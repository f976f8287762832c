using System.Runtime.CompilerServices;
using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Tests;

/// <summary>`watch` and `run` follow pushed statuses, and subscribe again when a coordinator failover breaks the stream.</summary>
public sealed class StatusStreamTests
{
    /// <summary>A coordinator that only streams statuses: anything else a follower called would be a bug (polling, above all).</summary>
    abstract class WatchOnlyCoordinator : ISweepCoordinatorGrain
    {
        public abstract IAsyncEnumerable<SweepStatus> WatchAsync(CancellationToken cancellationToken = default);
        public Task<SweepSubmission> SubmitAsync(SweepSpec spec) => throw new NotSupportedException();
        public Task<SweepStatus> GetStatusAsync() => throw new NotSupportedException("watch must not poll");
        public Task<SweepResultsPage> GetResultsAsync(int offset, int count) => throw new NotSupportedException();
        public Task CancelAsync() => throw new NotSupportedException();
        public Task ReportMeasurementsAsync(string trialId, int attempt, MeasurementRow[] rows) => throw new NotSupportedException();
        public Task ReportProgressAsync(TrialStatus status) => throw new NotSupportedException();
        public Task ReportOutcomeAsync(TrialOutcome outcome, MeasurementRow[] lastRows) => throw new NotSupportedException();
        public Task ReportLogsAsync(TrialLogRow[] logs) => throw new NotSupportedException();
        public Task<TrialLogRow[]> GetLogsAsync(string? trialId, int count) => throw new NotSupportedException();
    }

    /// <summary>A coordinator whose first stream breaks the way a dying silo breaks it, and whose second runs to the end.</summary>
    sealed class FailingOverCoordinator : WatchOnlyCoordinator
    {
        public int Subscriptions { get; private set; }

        public override async IAsyncEnumerable<SweepStatus> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (++Subscriptions == 1)
            {
                yield return Status(SweepState.Running, 1);
                throw new EnumerationAbortedException("the grain deactivated");
            }
            yield return Status(SweepState.Running, 2);
            yield return Status(SweepState.Completed, 4);
            // A coordinator never sends past the end; were it to, the client must not wait for it.
            yield return Status(SweepState.Running, 99);
        }

        static SweepStatus Status(SweepState state, int completed) => new() { SweepId = "s", State = state, Total = 4, Completed = completed };

    }

    /// <summary>A coordinator whose first stream goes silent after one status (a lost wake-up, an activation gone without an error).</summary>
    sealed class SilentCoordinator : WatchOnlyCoordinator
    {
        public int Subscriptions { get; private set; }

        public override async IAsyncEnumerable<SweepStatus> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (++Subscriptions == 1)
            {
                yield return new SweepStatus { SweepId = "s", State = SweepState.Running, Total = 4, Completed = 3 };
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            yield return new SweepStatus { SweepId = "s", State = SweepState.Completed, Total = 4, Completed = 4 };
        }

    }

    [Fact]
    public async Task A_stream_silent_past_the_keep_alives_is_subscribed_again_and_ends_with_the_sweep()
    {
        var coordinator = new SilentCoordinator();
        var seen = new List<SweepState>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var status in StatusStream.FollowAsync(coordinator, limit.Token, silence: TimeSpan.FromMilliseconds(300))) seen.Add(status.State);
        Assert.Equal([SweepState.Running, SweepState.Completed], seen);
        Assert.Equal(2, coordinator.Subscriptions);
    }

    [Fact]
    public async Task A_stream_broken_by_a_failover_is_followed_again_to_the_sweeps_end()
    {
        var coordinator = new FailingOverCoordinator();
        var seen = new List<int>();
        await foreach (var status in StatusStream.FollowAsync(coordinator, CancellationToken.None)) seen.Add(status.Completed);
        Assert.Equal([1, 2, 4], seen);
        Assert.Equal(2, coordinator.Subscriptions);
    }
}
