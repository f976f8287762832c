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

    /// <summary>
    /// Short label for views and messages, naming what tells this trial apart in its sweep ("mlp w64 d2 he_normal relu
    /// lr=0.1 s0"); set by the planner. Not part of the trial's identity.
    /// </summary>
    [Id(8)] public string Label { get; init; } = "";

    /// <summary>Grain key of the trial: "{sweepId}/{trialId}".</summary>
    public string GrainKey => $"{SweepId}/{TrialId}";

    /// <summary>
    /// Grain key of a fuse group: "{sweepId}/fused-" and 16 hex characters of SHA-256 over its trial ids, in order. A
    /// different set of seeds (some finished, the rest re-driven) is another grain; checkpoints are per trial, so a
    /// seed resumes wherever it goes.
    /// </summary>
    public static string FusedGrainKey(IReadOnlyList<TrialSpec> seeds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(seeds.Count);
        if (seeds.Count == 1) return seeds[0].GrainKey;
        byte[] digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join(',', seeds.Select(s => s.TrialId))));
        return $"{seeds[0].SweepId}/fused-{Convert.ToHexStringLower(digest)[..16]}";
    }
}
