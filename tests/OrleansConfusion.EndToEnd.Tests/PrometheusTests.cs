namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>Queries a real Prometheus that scraped a silo while it ran a sweep.</summary>
[Collection(MonitoredSweepCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class PrometheusTests(MonitoredSweepFixture sweep)
{
    [Fact]
    public async Task Trial_counters_reach_the_sweep_totals()
    {
        var sweepLabel = $"sweep=\"{MonitoredSweepFixture.SweepName}\"";

        var finished = await sweep.Prometheus.QueryAsync($"sum(max_over_time(orleansconfusion_trials_finished_total{{{sweepLabel},state=\"completed\"}}[5m]))");
        Assert.True(finished.Count == 1 && finished[0].Value == sweep.Trials,
            $"completed trials counter: {string.Join(", ", finished.Select(f => f.Value))}, expected {sweep.Trials}\n{sweep.WatchOutput}");

        var byState = await sweep.Prometheus.QueryAsync($"max_over_time(orleansconfusion_trials{{{sweepLabel},state=\"completed\"}}[5m])");
        Assert.Equal(sweep.Trials, Assert.Single(byState).Value);

        var started = await sweep.Prometheus.QueryAsync($"sum(max_over_time(orleansconfusion_trials_started_total{{{sweepLabel}}}[5m]))");
        Assert.True(Assert.Single(started).Value >= sweep.Trials);

        var steps = await sweep.Prometheus.QueryAsync($"sum(max_over_time(orleansconfusion_trial_steps_total{{{sweepLabel}}}[5m]))");
        Assert.True(Assert.Single(steps).Value >= sweep.Trials * Infrastructure.SweepSpecs.StepsPerTrial);
    }

    /// <summary>The live sweep's trial was running when Prometheus scraped these (the fixture cancels it only after).</summary>
    [Fact]
    public async Task Confusion_gauge_had_a_cosine_value()
    {
        var series = await sweep.Prometheus.QueryAsync(
            $"max_over_time(orleansconfusion_trial_min_cosine{{sweep=\"{MonitoredSweepFixture.LiveSweepName}\"}}[5m])");

        Assert.True(series.Count > 0, "Prometheus never saw orleansconfusion_trial_min_cosine.\n" + sweep.Prometheus.Tail());
        Assert.All(series, s => Assert.InRange(s.Value, -1.0, 1.0));
        Assert.All(series, s => Assert.Equal("16", s.Labels["width"]));

        var eta = await sweep.Prometheus.QueryAsync($"max_over_time(orleansconfusion_trial_eta{{sweep=\"{MonitoredSweepFixture.LiveSweepName}\"}}[5m])");
        Assert.True(Assert.Single(eta).Value >= 0, "η is a bound on negative inner products, never below 0");

        // It ended by the cancel, not by running out of steps: it was training while it was scraped.
        var cancelled = await sweep.Prometheus.QueryAsync(
            $"max_over_time(orleansconfusion_trials_finished_total{{sweep=\"{MonitoredSweepFixture.LiveSweepName}\",state=\"cancelled\"}}[5m])");
        Assert.True(cancelled.Count == 1 && cancelled[0].Value == 1,
            $"cancelled live trials: {string.Join(", ", cancelled.Select(c => c.Value))}, expected 1\n{sweep.LiveWatchOutput}");
    }
}
