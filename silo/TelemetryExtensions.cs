using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansConfusion.Grains;

namespace OrleansConfusion.Silo;

/// <summary>Metrics for Prometheus: our meter, Orleans' meter and the .NET runtime, scraped at /metrics.</summary>
public static class TelemetryExtensions
{
    public const string OrleansMeter = "Microsoft.Orleans";

    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleansconfusion-silo"))
            .WithMetrics(metrics => metrics
                .AddMeter(ConfusionMetrics.MeterName, OrleansMeter)
                .AddRuntimeInstrumentation()
                // No response cache (the exporter's default is 300 ms): a scrape must show the state at the moment it
                // was made. With the cache, a Prometheus scrape that starts just after a sweep ends can be served the
                // response of an earlier scrape and miss the last trials (seen: 2 of 3 completed). Collecting per
                // scrape is cheap; Prometheus scrapes every few seconds.
                .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }
}
