namespace OrleansConfusion.Grains;

/// <summary>
/// Per-silo training capacity and the timings of the trial protocol, bound from
/// <see cref="SectionName"/> (environment: <c>OrleansConfusion__Scheduling__CpuSlots=2</c>).
/// A silo trains on CUDA with <see cref="GpuSlots"/> slots when CUDA is available and GpuSlots &gt; 0,
/// otherwise on the CPU with <see cref="CpuSlots"/> slots. A silo with 0 slots hosts no trials.
/// </summary>
public sealed class TrialSchedulingOptions
{
    public const string SectionName = "OrleansConfusion:Scheduling";

    /// <summary>Trials trained at once on this silo's CPU.</summary>
    public int CpuSlots { get; set; } = 1;

    /// <summary>Trials trained at once on this silo's GPU (used only when CUDA is available).</summary>
    public int GpuSlots { get; set; } = 1;

    /// <summary>
    /// Trials sent to a silo beyond its slots, to wait there for the next free one, so its device never
    /// idles between trials through the outcome report and the next dispatch. A waiting trial has loaded
    /// no data and holds no device memory. 0 turns it off; a sweep with <c>max_concurrent_trials</c> below
    /// the cluster's slots never prefetches.
    /// </summary>
    public int PrefetchPerSilo { get; set; } = 1;

    /// <summary>A running trial that has not reported for this long is re-driven (new attempt).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a trial sends its buffered measurements and status to the coordinator.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least time between two statuses a coordinator pushes to one watcher (`confusion watch` and `run`): changes
    /// in between are coalesced into the next.
    /// </summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The longest a watcher goes without a status while nothing changes: the newest is sent again after this, so a watcher
    /// whose wake-up was lost catches up within it, and a client that hears nothing for several of these knows its stream
    /// is gone and subscribes again (StatusStream). One small message per watcher per interval.
    /// </summary>
    public TimeSpan WatchKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a coordinator dispatches queued trials and checks running ones.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a running coordinator reads its stored state back to learn whether another activation took the sweep
    /// over (after a silo death, Orleans can briefly run two). The newer one claimed a higher generation; the older one
    /// then stops dispatching and writing. One small read per sweep per interval.
    /// </summary>
    public TimeSpan OwnershipCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Shared directory for checkpoints: {CheckpointDirectory}/{sweepId}/{trialId}.safetensors. Null: none.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Grain-call timeout, set explicitly because no call may wait for training (see NOTES).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
