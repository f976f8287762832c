using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// What the OpenTelemetry SDK exports from <see cref="ConfusionMetrics"/>, with the cumulative temporality
/// the Prometheus exporter uses: the histogram's bounds, series that leave with their trials, and the
/// counters' zero series. The meter gets a version of its own: the cluster tests' silos, in this process,
/// have meters of the same name whose series the provider would otherwise mix in.
/// </summary>
public sealed class ConfusionMetricsExportTests : IDisposable
{
    readonly VersionedMeterFactory _meters = new($"test-{Guid.NewGuid():N}");
    readonly List<MetricSnapshot> _exported = [];
    readonly MeterProvider _provider;
    readonly ConfusionMetrics _metrics;

    public ConfusionMetricsExportTests()
    {
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(ConfusionMetrics.MeterName)
            .AddInMemoryExporter(_exported, reader =>
            {
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                // Collected only when a test asks (ForceFlush), never by the reader's own timer in between.
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = Timeout.Infinite;
            })
            .Build();
        _metrics = new ConfusionMetrics(_meters);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _provider.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void Measurement_durations_fall_into_second_buckets_from_100_microseconds_to_10_minutes()
    {
        var trial = Trial("t1", width: 8);
        _metrics.MeasurementTaken(trial, Row(paperSeconds: 0.0015, perSampleSeconds: 0.00035), trialRunning: true);
        _metrics.MeasurementTaken(trial, Row(paperSeconds: 420, perSampleSeconds: 0.00005), trialRunning: true);

        var points = Collect("orleansconfusion.measurement.duration").ToDictionary(p => Tag(p, "kind"));
        Assert.Equal(["paper", "per_sample"], points.Keys.Order());
        foreach (var point in points.Values)
        {
            var bounds = Buckets(point).Select(b => b.Bound).Where(double.IsFinite).ToList();
            Assert.Equal(ConfusionMetrics.MeasurementDurationBuckets, bounds);
        }
        Assert.Equal(0.0001, ConfusionMetrics.MeasurementDurationBuckets[0]);
        Assert.Equal(600, ConfusionMetrics.MeasurementDurationBuckets[^1]);

        // Each observation in the bucket whose upper bound is the next bound up.
        Assert.Equal([(0.002, 1L), (600, 1L)], Buckets(points["paper"]).Where(b => b.Count > 0));
        Assert.Equal([(0.0001, 1L), (0.0005, 1L)], Buckets(points["per_sample"]).Where(b => b.Count > 0));
    }

    [Fact]
    public void An_ended_trials_gauge_series_leaves_the_export()
    {
        var narrow = Trial("narrow", width: 8);
        var wide = Trial("wide", width: 64);
        _metrics.MeasurementTaken(narrow, Row(), trialRunning: true);
        _metrics.MeasurementTaken(wide, Row(), trialRunning: true);
        Assert.Equal(["64", "8"], Widths("orleansconfusion.trial.min_cosine"));
        Assert.Equal(["64", "8"], Widths("orleansconfusion.trial.eta"));

        _metrics.TrialStopped(narrow);
        Assert.Equal(["64"], Widths("orleansconfusion.trial.min_cosine"));
        Assert.Equal(["64"], Widths("orleansconfusion.trial.eta"));

        // The trial's last rows, taken after it stopped, keep it out.
        _metrics.TrialStopped(wide);
        _metrics.MeasurementTaken(wide, Row(), trialRunning: false);
        Assert.Empty(Widths("orleansconfusion.trial.min_cosine"));
        Assert.Empty(Widths("orleansconfusion.trial.eta"));
        // ...and the measurement still counts in the cost histogram.
        Assert.Equal(3, Collect("orleansconfusion.measurement.duration").Where(p => Tag(p, "kind") == "paper").Sum(p => p.GetHistogramCount()));
    }

    [Fact]
    public void A_sweep_starts_its_counters_at_zero_for_every_final_state()
    {
        _metrics.SweepActive("s");
        var finished = Collect("orleansconfusion.trials.finished").ToDictionary(p => Tag(p, "state"), p => p.GetSumLong());
        Assert.Equal(new Dictionary<string, long> { ["completed"] = 0, ["diverged"] = 0, ["failed"] = 0, ["cancelled"] = 0 }, finished);
        Assert.Equal(0, Assert.Single(Collect("orleansconfusion.trials.started")).GetSumLong());

        _metrics.TrialFinished("s", TrialState.Completed);
        _metrics.SweepActive("s"); // a second activation adds nothing
        finished = Collect("orleansconfusion.trials.finished").ToDictionary(p => Tag(p, "state"), p => p.GetSumLong());
        Assert.Equal(1, finished["completed"]);
        Assert.Equal(0, finished["failed"]);
    }

    List<MetricPoint> Collect(string name)
    {
        _exported.Clear();
        Assert.True(_provider.ForceFlush(), "the metric reader did not collect");
        return _exported.Where(m => m.Name == name && m.MeterVersion == _meters.Version).SelectMany(m => m.MetricPoints).ToList();
    }

    List<string> Widths(string name) => Collect(name).Select(p => Tag(p, "width")).Order(StringComparer.Ordinal).ToList();

    static string Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture)!;
        return "";
    }

    static List<(double Bound, long Count)> Buckets(MetricPoint point)
    {
        var buckets = new List<(double, long)>();
        foreach (var bucket in point.GetHistogramBuckets()) buckets.Add((bucket.ExplicitBound, bucket.BucketCount));
        return buckets;
    }

    sealed class VersionedMeterFactory(string version) : IMeterFactory
    {
        readonly List<Meter> _created = [];

        public string Version => version;

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = version, Tags = options.Tags, Scope = this });
            _created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _created) meter.Dispose();
        }
    }

    static TrialSpec Trial(string id, int width) => new()
    {
        SweepId = "s", TrialId = id, Model = new ModelSpec { Architecture = "mlp", Width = width, Depth = 2 },
    };

    static MeasurementRow Row(double paperSeconds = 0.01, double perSampleSeconds = 0.02) => new()
    {
        PaperPairs = 4, PaperMinCosine = -0.25, PaperSeconds = paperSeconds,
        PerSampleM = 8, PerSampleMinCosine = -0.5, Eta = 1.5, PerSampleSeconds = perSampleSeconds,
    };
}
