using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace OrleansConfusion.Silo;

/// <summary>
/// Readiness: healthy only while this silo is Active in cluster membership, so Kubernetes sends
/// no gateway traffic to a silo that is still joining or already shutting down.
/// </summary>
public sealed class SiloHealthCheck(ISiloStatusOracle oracle) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = oracle.CurrentStatus;
        var description = $"silo {oracle.SiloName} is {status}";
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy(description)
            : HealthCheckResult.Unhealthy(description));
    }
}
