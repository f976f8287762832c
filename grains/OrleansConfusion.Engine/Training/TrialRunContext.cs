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
    /// The last step whose measurement, and every one before it, the caller holds now; called on the
    /// training thread at start and at each checkpoint. A checkpoint is written right after the epoch's
    /// measurement is reported, so a process that dies before that row leaves could otherwise resume past
    /// a row nobody received. So a run resumes only from a checkpoint that measured nothing after this
    /// step (the newest one, else the previous one, else it starts over), and a checkpoint replaced
    /// before the caller held its rows is dropped rather than kept as the previous one.
    /// Null: every checkpoint is safe (a caller that keeps every row).
    /// </summary>
    public Func<long>? DeliveredThroughStep { get; init; }

    public Device Device { get; init; } = CPU;
}
