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
                .AddPrometheusExporter());
        return services;
    }
}
