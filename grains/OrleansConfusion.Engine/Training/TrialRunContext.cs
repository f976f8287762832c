using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>What the caller lends a run: where to report, when to stop, where to checkpoint.</summary>
public sealed class TrialRunContext
{
    /// <summary>Called on the training thread for each measurement; keep it cheap (e.g. write to a channel).</summary>
    public Action<MeasurementRecord>? OnMeasurement { get; init; }

    /// <summary>Called on the training thread a few times per second.</summary>
    public Action<TrialProgress>? OnProgress { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// A safetensors file written atomically at the end of every epoch (the one before it is kept
    /// beside it, see <see cref="TrialCheckpoint"/>). When one exists at start, the run resumes after
    /// the epoch it holds. Null: no checkpoints.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// The last step whose measurement (and every one before it) the caller already holds. A checkpoint
    /// resumes only if it measured nothing after this step; a newer one is skipped for the one before
    /// it, else the run starts over. A checkpoint is written right after the epoch's measurement is
    /// reported, so a process that dies before that measurement leaves its caller could otherwise
    /// resume past a row nobody received. Null: trust any checkpoint (a caller that keeps every row).
    /// </summary>
    public long? ResumeThroughStep { get; init; }

    /// <summary>
    /// How far the caller holds this run's rows now (called on the training thread at each checkpoint).
    /// A checkpoint newer than that is not yet safe to resume from, so the newest safe one is kept beside
    /// it as the previous checkpoint until the caller catches up. Null: every checkpoint counts as safe.
    /// </summary>
    public Func<long>? DeliveredThroughStep { get; init; }

    public Device Device { get; init; } = CPU;
}
