using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>Polling with a deadline: the only way these tests wait. A timeout fails with the last status.</summary>
public static class Poll
{
    public static async Task<SweepStatus> UntilAsync(ISweepCoordinatorGrain sweep, Func<SweepStatus, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        SweepStatus status;
        while (true)
        {
            status = await sweep.GetStatusAsync();
            if (done(status)) return status;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {timeout} waiting for {what}; last status: {status.State} total {status.Total} queued {status.Queued} running {status.Running} completed {status.Completed} failed {status.Failed} cancelled {status.Cancelled}");
            await Task.Delay(100);
        }
    }
}
