using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// The <c>OrleansConfusion</c> meter. Tags stay low-cardinality: sweep and state, the model axes
/// (architecture, width, depth, init) and the measurement kind; never trial id, seed or step.
/// Per-trial gauges cover running trials only and drop a trial when it ends; trials that share all
/// tags (e.g. different seeds) report one series, the most recently measured. A series no callback
/// reports any more leaves the export (OpenTelemetry 1.15.1 and later, #5950), so an ended trial's
/// series is gone from /metrics at the next scrape.
/// </summary>
public sealed class ConfusionMetrics : IDisposable
{
    public const string MeterName = "OrleansConfusion";

    /// <summary>
    /// Bucket bounds of the measurement-duration histogram, in seconds: 100 µs (a Gram on a tiny MLP) to
    /// 10 min (the paper protocol on a large network), 1-2-5 steps. OpenTelemetry's default bounds (0, 5,
    /// 10 … 10000) suit milliseconds: every measurement fell into le="5" and the p50 read 2.5 s against a
    /// real mean of 1.5 ms.
    /// </summary>
    public static readonly IReadOnlyList<double> MeasurementDurationBuckets =
    [
        0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
        1, 2, 5, 10, 20, 50, 100, 200, 300, 600,
    ];

    /// <summary>The states a trial ends in, each a series of the finished counter from sweep start.</summary>
    static readonly TrialState[] FinalStates = [TrialState.Completed, TrialState.Diverged, TrialState.Failed, TrialState.Cancelled];

    readonly Meter _meter;
    readonly Counter<long> _started;
    readonly Counter<long> _finished;
    readonly Counter<long> _steps;
    readonly Counter<long> _samples;
    readonly Histogram<double> _measurementDuration;
    readonly ConcurrentDictionary<string, SweepCounts> _sweeps = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, TrialGauge> _running = new(StringComparer.Ordinal);

    public ConfusionMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _started = _meter.CreateCounter<long>("orleansconfusion.trials.started", "{trial}", "Trial attempts started, by sweep");
        _finished = _meter.CreateCounter<long>("orleansconfusion.trials.finished", "{trial}", "Trials finished, by sweep and final state");
        _meter.CreateObservableGauge("orleansconfusion.trials", ObserveTrials, "{trial}", "Trials by state, per sweep coordinated on this silo");
        _steps = _meter.CreateCounter<long>("orleansconfusion.trial.steps", "{step}", "SGD steps trained");
        _samples = _meter.CreateCounter<long>("orleansconfusion.trial.samples", "{sample}", "Training samples processed");
        // Advice rather than a view in the silo: the bounds travel with the instrument, to any exporter.
        _measurementDuration = _meter.CreateHistogram("orleansconfusion.measurement.duration", "s", "Time spent measuring confusion, by kind (paper, paper_allpairs, per_sample)",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MeasurementDurationBuckets });
        _meter.CreateObservableGauge("orleansconfusion.trial.min_cosine", () => ObserveRunning(g => g.MinCosine), "1", "Latest minimum pairwise gradient cosine of running trials");
        _meter.CreateObservableGauge("orleansconfusion.trial.eta", () => ObserveRunning(g => g.Eta), "1", "Latest confusion bound eta of running trials");
        _meter.CreateObservableGauge("orleansconfusion.device.memory", ObserveMemory, "By", "Memory in use by this silo's process (kind: working_set, gc_heap)");
    }

    /// <summary>
    /// Called when a coordinator takes a sweep (submitted, or activated on this silo): the started and
    /// finished counters get their series at 0. A counter series that appears only at its first increment
    /// has no earlier sample, and Prometheus takes that first value as the baseline (the dashboard showed
    /// 7.41 finished trials for 9); with the zero series, increase() and rate() count every increment after
    /// the first scrape. The dashboard's counts read exact totals instead (docs/KUBERNETES.md, Metrics).
    /// </summary>
    public void SweepActive(string sweepId)
    {
        _started.Add(0, new KeyValuePair<string, object?>("sweep", sweepId));
        foreach (var state in FinalStates)
            _finished.Add(0, new KeyValuePair<string, object?>("sweep", sweepId), new KeyValuePair<string, object?>("state", StateName(state)));
    }

    public void TrialStarted(string sweepId) => _started.Add(1, new KeyValuePair<string, object?>("sweep", sweepId));

    public void TrialFinished(string sweepId, TrialState state) =>
        _finished.Add(1, new KeyValuePair<string, object?>("sweep", sweepId), new KeyValuePair<string, object?>("state", StateName(state)));

    /// <summary>Called by a coordinator whenever its counts change; removed when it deactivates.</summary>
    public void SetSweepCounts(string sweepId, SweepStatus? status)
    {
        if (status is null) _sweeps.TryRemove(sweepId, out _);
        else _sweeps[sweepId] = new SweepCounts(status.Queued, status.Running, status.Completed, status.Diverged, status.Failed, status.Cancelled);
    }

    public void StepsTrained(string sweepId, string device, long steps, long samples)
    {
        if (steps <= 0) return;
        var tags = new System.Diagnostics.TagList { { "sweep", sweepId }, { "device", device } };
        _steps.Add(steps, tags);
        if (samples > 0) _samples.Add(samples, tags);
    }

    /// <summary>
    /// Records a measurement's cost and, while <paramref name="trialRunning"/>, its values in the per-trial
    /// gauges. A trial's last rows are often taken after it stopped (they travel with the outcome): they
    /// must not bring its gauge series back.
    /// </summary>
    public void MeasurementTaken(TrialSpec trial, MeasurementRow row, bool trialRunning)
    {
        if (row.PaperPairs is not null) _measurementDuration.Record(row.PaperSeconds, new KeyValuePair<string, object?>("kind", "paper"));
        if (row.PaperAllPairsBatches is not null) _measurementDuration.Record(row.PaperAllPairsSeconds, new KeyValuePair<string, object?>("kind", "paper_allpairs"));
        if (row.PerSampleM is not null) _measurementDuration.Record(row.PerSampleSeconds, new KeyValuePair<string, object?>("kind", "per_sample"));
        double? minCosine = row.PerSampleMinCosine ?? row.PaperMinCosine;
        if (!trialRunning || (minCosine is null && row.Eta is null)) return;
        _running.AddOrUpdate(trial.GrainKey,
            _ => new TrialGauge(trial, minCosine, row.Eta, DateTimeOffset.UtcNow),
            (_, old) => old with { MinCosine = minCosine ?? old.MinCosine, Eta = row.Eta ?? old.Eta, UpdatedAt = DateTimeOffset.UtcNow });
    }

    public void TrialStopped(TrialSpec trial) => _running.TryRemove(trial.GrainKey, out _);

    public void Dispose() => _meter.Dispose();

    public static string StateName(TrialState state) => state.ToString().ToLowerInvariant();

    IEnumerable<Measurement<long>> ObserveTrials()
    {
        foreach (var (sweep, c) in _sweeps)
        {
            yield return Count(sweep, TrialState.Queued, c.Queued);
            yield return Count(sweep, TrialState.Running, c.Running);
            yield return Count(sweep, TrialState.Completed, c.Completed);
            yield return Count(sweep, TrialState.Diverged, c.Diverged);
            yield return Count(sweep, TrialState.Failed, c.Failed);
            yield return Count(sweep, TrialState.Cancelled, c.Cancelled);
        }
    }

    static Measurement<long> Count(string sweep, TrialState state, int value) =>
        new(value, new KeyValuePair<string, object?>("sweep", sweep), new KeyValuePair<string, object?>("state", StateName(state)));

    IEnumerable<Measurement<double>> ObserveRunning(Func<TrialGauge, double?> value) =>
        _running.Values
            .Where(g => value(g) is not null)
            .GroupBy(g => (g.Trial.SweepId, g.Trial.Model.Architecture, g.Trial.Model.Width, g.Trial.Model.Depth, g.Trial.Model.Init))
            .Select(group =>
            {
                var latest = group.MaxBy(g => g.UpdatedAt)!;
                var (sweep, architecture, width, depth, init) = group.Key;
                return new Measurement<double>(value(latest)!.Value, new System.Diagnostics.TagList
                {
                    { "sweep", sweep }, { "architecture", architecture }, { "width", width }, { "depth", depth }, { "init", init },
                });
            })
            .ToList();

    static IEnumerable<Measurement<long>> ObserveMemory() =>
    [
        new(Environment.WorkingSet, new KeyValuePair<string, object?>("kind", "working_set")),
        new(GC.GetTotalMemory(false), new KeyValuePair<string, object?>("kind", "gc_heap")),
    ];

    sealed record SweepCounts(int Queued, int Running, int Completed, int Diverged, int Failed, int Cancelled);

    sealed record TrialGauge(TrialSpec Trial, double? MinCosine, double? Eta, DateTimeOffset UpdatedAt);
}
