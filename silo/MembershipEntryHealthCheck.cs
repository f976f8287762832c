using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace OrleansConfusion.Silo;

/// <summary>
/// Liveness: unhealthy only when the membership table answers and no longer holds this silo. That is what a Redis
/// without persistence looks like after it restarts empty: the silos go on running, but Orleans never writes their
/// rows again (its IAmAlive update keeps failing; dotnet/orleans#7784), so clients find no gateway. A restart makes
/// the silo join again, so Kubernetes' liveness probe turns this into the recovery. A table that does not answer
/// (Redis down) is not this silo's fault and keeps it alive: restarting every silo then would only lose their trials.
/// </summary>
public sealed class MembershipEntryHealthCheck(IMembershipTable table, ILocalSiloDetails localSilo, ISiloStatusOracle oracle) : IHealthCheck
{
    public const string LiveTag = "live";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Joining or leaving: the row may rightly be absent.
        if (oracle.CurrentStatus != SiloStatus.Active) return HealthCheckResult.Healthy($"silo is {oracle.CurrentStatus}");
        MembershipTableData data;
        try
        {
            data = await table.ReadRowAsync(localSilo.SiloAddress, cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Healthy($"membership table unreachable ({e.GetBaseException().Message}); not a reason to restart");
        }
        return data.Members.Any(m => m.Item1.SiloAddress.Equals(localSilo.SiloAddress))
            ? HealthCheckResult.Healthy("this silo's membership row is present")
            : HealthCheckResult.Unhealthy($"the membership table no longer holds silo {localSilo.SiloAddress} (its store restarted empty?); restart the silo so it joins again");
    }
}
