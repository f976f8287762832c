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
    /// A safetensors file written atomically at the end of every epoch. When it exists at start, the run
    /// resumes after the epoch it holds. Null: no checkpoints.
    /// </summary>
    public string? CheckpointPath { get; init; }

    public Device Device { get; init; } = CPU;
}
