namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// One per trial, keyed "{sweepId}/{trialId}". Trains its configuration on its silo's device.
/// <see cref="StartAsync"/> returns at once; progress and the outcome flow to the coordinator.
/// </summary>
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>Idempotent: a running or finished trial ignores a repeated start of the same attempt.</summary>
    Task StartAsync(TrialSpec spec, int attempt);

    Task<TrialStatus> GetStatusAsync();

    Task CancelAsync();
}
