namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// One trial (configuration × seed) as dispatched to a <see cref="ITrialGrain"/>.
/// <see cref="TrialId"/> is a stable hash of the canonical configuration and seed, so resubmitting a
/// spec maps to the same trials.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrialSpec
{
    [Id(0)] public string SweepId { get; init; } = "";
    [Id(1)] public string TrialId { get; init; } = "";
    [Id(2)] public ModelSpec Model { get; init; } = new();
    [Id(3)] public long Seed { get; init; }
    [Id(4)] public DatasetSpec Dataset { get; init; } = new();
    [Id(5)] public TrainingSpec Training { get; init; } = new();
    [Id(6)] public MeasurementSpec Measurement { get; init; } = new();

    /// <summary>Shared directory for checkpoints (safetensors), or null for none.</summary>
    [Id(7)] public string? CheckpointDirectory { get; init; }

    /// <summary>Grain key of the trial: "{sweepId}/{trialId}".</summary>
    public string GrainKey => $"{SweepId}/{TrialId}";
}
