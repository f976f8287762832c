using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The per-trial gauges (min cosine, η) of every silo in the cluster report running trials only. A trial's
/// last measurement reaches the grain's metrics after the trainer returns, with the outcome; it once
/// brought the ended trial's series back for good.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TrialGaugeTests(ClusterFixture fixture)
{
    static readonly string[] Gauges = ["orleansconfusion.trial.min_cosine", "orleansconfusion.trial.eta"];

    [Fact]
    public async Task Gauges_show_running_trials_and_drop_them_when_the_sweep_ends()
    {
        string name = Specs.UniqueName("gauges");
        TrainingTracker.Register(name, new FakeBehavior(6, TimeSpan.FromMilliseconds(300)));
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        using var gauges = new GaugeReader(name);
        await sweep.SubmitAsync(Specs.Fake(name, ClusterFixture.Output, widths: 3, seeds: 1));

        // While trials run, their series are observed: the reader sees what an exporter would.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (seen.Count == 0 && DateTime.UtcNow < deadline)
        {
            seen.UnionWith(gauges.Observe());
            await Task.Delay(50);
        }
        Assert.True(seen.Count > 0, "no per-trial gauge series while the sweep ran");

        await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(60), "the sweep to complete");
        var left = gauges.Observe();
        Assert.True(left.Count == 0, "still observed after every trial ended: " + string.Join(", ", left));
    }

    /// <summary>Observes the gauges of every silo's OrleansConfusion meter in this process, for one sweep.</summary>
    sealed class GaugeReader : IDisposable
    {
        readonly MeterListener _listener = new();
        readonly ConcurrentBag<string> _observed = [];

        public GaugeReader(string sweep)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ConfusionMetrics.MeterName && Gauges.Contains(instrument.Name)) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
            {
                string? tagSweep = null, width = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "sweep") tagSweep = tag.Value as string;
                    else if (tag.Key == "width") width = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
                }
                if (tagSweep == sweep) _observed.Add($"{instrument.Name}{{width={width}}}");
            });
            _listener.Start();
        }

        public List<string> Observe()
        {
            _observed.Clear();
            _listener.RecordObservableInstruments();
            return _observed.Distinct().Order(StringComparer.Ordinal).ToList();
        }

        public void Dispose() => _listener.Dispose();
    }
}
