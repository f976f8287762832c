namespace OrleansConfusion.Grains.Abstractions;

/// <summary>A trial's progress as last reported.</summary>
[GenerateSerializer, Immutable]
public sealed record TrialStatus
{
    [Id(0)] public string TrialId { get; init; } = "";
    [Id(1)] public TrialState State { get; init; }
    [Id(2)] public long Step { get; init; }
    [Id(3)] public long TotalSteps { get; init; }
    [Id(4)] public int Epoch { get; init; }
    [Id(5)] public double LastLoss { get; init; } = double.NaN;
    [Id(6)] public double StepsPerSecond { get; init; }
    [Id(7)] public string? Silo { get; init; }
    [Id(8)] public string? Device { get; init; }
    [Id(9)] public string? Error { get; init; }
    [Id(10)] public int Attempt { get; init; }
    [Id(11)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Short label for views, e.g. "mlp w64 d2 he_normal s0".</summary>
    [Id(12)] public string Label { get; init; } = "";

    /// <summary>
    /// When this training run of the trial began (its worker started). A coordinator that finds a trial still training
    /// after a failover sees the same value, so it counts no new attempt: attempts are real starts of training.
    /// </summary>
    [Id(13)] public DateTimeOffset? TrainingStartedAt { get; init; }
}
