using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>A coordinator pushes its sweep's statuses to a watcher (#27): changes arrive without polling, coalesced, until the end.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WatchStreamTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_watcher_gets_each_change_coalesced_and_the_final_status_then_the_stream_ends()
    {
        string name = Specs.UniqueName("watch");
        TrainingTracker.Register(name, new FakeBehavior(5, TimeSpan.FromMilliseconds(100)));
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        await sweep.SubmitAsync(Specs.Fake(name, ClusterFixture.Output, widths: 3, seeds: 2));

        var seen = new List<SweepStatus>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await foreach (var status in sweep.WatchAsync(timeout.Token)) seen.Add(status);
        var watched = clock.Elapsed;

        Assert.Equal(SweepState.Completed, seen[^1].State);
        Assert.Equal(6, seen[^1].Completed);
        Assert.All(seen[..^1], s => Assert.Equal(SweepState.Running, s.State));
        // Progress was seen on the way, and never went back.
        Assert.Contains(seen, s => s.Running > 0 || s.ActiveTrials.Length > 0);
        Assert.Equal(seen.Select(s => s.Finished).Order(), seen.Select(s => s.Finished));
        // Coalesced: six trials reporting rows and progress make dozens of changes, but a watcher gets at most one status
        // per watch interval (250 ms), plus the first. The bound grows with the time watched, so a slow machine cannot fail it.
        Assert.InRange(seen.Count, 2, (int)(watched / TimeSpan.FromMilliseconds(250)) + 2);

        // A sweep that has ended sends its final status and ends at once.
        var after = new List<SweepStatus>();
        await foreach (var status in sweep.WatchAsync(timeout.Token)) after.Add(status);
        Assert.Equal(SweepState.Completed, Assert.Single(after).State);
    }
}
