namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// One per trial, keyed "{sweepId}/{trialId}". Trains its configuration on its silo's device.
/// <see cref="StartAsync"/> returns at once; progress and the outcome flow to the coordinator.
/// </summary>
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>
    /// Idempotent: a running or finished trial ignores a repeated start of the same attempt.
    /// <paramref name="deliveredThroughStep"/>: the last step whose measurement, and every one before
    /// it, the coordinator already holds (-1: none). A re-driven trial resumes only from a checkpoint
    /// taken at or before it, so no row is lost between a checkpoint and a silo's death.
    /// </summary>
    Task StartAsync(TrialSpec spec, int attempt, long deliveredThroughStep);

    Task<TrialStatus> GetStatusAsync();

    Task CancelAsync();
}
