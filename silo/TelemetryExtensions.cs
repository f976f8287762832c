using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansConfusion.Grains;

namespace OrleansConfusion.Silo;

/// <summary>Metrics for Prometheus: our meter, Orleans' meter and the .NET runtime, scraped at /metrics.</summary>
public static class TelemetryExtensions
{
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// Bucket bounds for Orleans' duration histograms (grain calls, activations, directory, storage), which
    /// it records in milliseconds: 50 µs to the 30 s response timeout, 1-2-5 steps. OpenTelemetry's default
    /// bounds start at 5 ms, and a grain call on one silo takes well under 1 ms, so its p50 read as 2.5 ms
    /// whatever it was. Our own histogram is in seconds and carries its bounds as advice
    /// (<see cref="ConfusionMetrics.MeasurementDurationBuckets"/>).
    /// </summary>
    public static readonly IReadOnlyList<double> OrleansMillisecondBuckets =
    [
        0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 30000,
    ];

    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleansconfusion-silo"))
            .WithMetrics(metrics => metrics
                .AddMeter(ConfusionMetrics.MeterName, OrleansMeter)
                .AddView(instrument => instrument.Meter.Name == OrleansMeter && instrument.Unit == "ms" && IsHistogram(instrument)
                    ? new ExplicitBucketHistogramConfiguration { Boundaries = [.. OrleansMillisecondBuckets] }
                    : null)
                .AddRuntimeInstrumentation()
                // No response cache (the exporter's default is 300 ms): a scrape must show the state at the moment it
                // was made. With the cache, a Prometheus scrape that starts just after a sweep ends can be served the
                // response of an earlier scrape and miss the last trials (seen: 2 of 3 completed). Collecting per
                // scrape is cheap; Prometheus scrapes every few seconds.
                .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    static bool IsHistogram(System.Diagnostics.Metrics.Instrument instrument)
    {
        var type = instrument.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(System.Diagnostics.Metrics.Histogram<>);
    }
}
