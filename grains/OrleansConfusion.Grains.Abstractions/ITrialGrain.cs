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

    /// <summary>
    /// Starts a fuse group (a configuration's seeds, keyed "{sweepId}/fused-{hash of their trial ids}", see
    /// <see cref="TrialSpec.FusedGrainKey"/>): as <see cref="StartAsync"/> for each seed, trained together as one
    /// batched model in one slot. Arrays are per seed, in the same order; each seed reports its own rows, progress
    /// and outcome under its own trial id and attempt.
    /// </summary>
    Task StartFusedAsync(TrialSpec[] seeds, int[] attempts, long[] deliveredThroughStep);

    /// <summary>The status of the trial (of a fuse group: its first seed's).</summary>
    Task<TrialStatus> GetStatusAsync();

    /// <summary>The status of each trial this grain trains: one, or a fuse group's seeds.</summary>
    Task<TrialStatus[]> GetStatusesAsync();

    Task CancelAsync();
}
