namespace OrleansConfusion.Grains.Abstractions;

/// <summary>The end of a trial, as it goes into trials.parquet.</summary>
[GenerateSerializer, Immutable]
public sealed record TrialOutcome
{
    [Id(0)] public string TrialId { get; init; } = "";
    [Id(1)] public TrialState State { get; init; }
    [Id(2)] public long Steps { get; init; }
    [Id(3)] public int Epochs { get; init; }
    [Id(4)] public double FinalLoss { get; init; } = double.NaN;
    [Id(5)] public double BestLoss { get; init; } = double.NaN;
    [Id(6)] public double FinalAccuracy { get; init; } = double.NaN;
    [Id(7)] public double BestAccuracy { get; init; } = double.NaN;
    [Id(8)] public double FinalTestAccuracy { get; init; } = double.NaN;
    [Id(9)] public long? StepsToTargetLoss { get; init; }
    [Id(10)] public double WallSeconds { get; init; }
    [Id(11)] public string? Silo { get; init; }
    [Id(12)] public string? Device { get; init; }
    [Id(13)] public string? Error { get; init; }
    [Id(14)] public long ParameterCount { get; init; }
    [Id(15)] public int Attempt { get; init; }
    [Id(16)] public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The step of the checkpoint the finishing attempt resumed from; null when it trained from scratch.</summary>
    [Id(17)] public long? ResumedFromStep { get; init; }

    /// <summary>
    /// The step of the last measurement the trial took (−1: none). The coordinator takes a completed or diverged
    /// outcome only when it holds the row of that step, and so of every step before it.
    /// </summary>
    [Id(18)] public long LastMeasuredStep { get; init; } = -1;

    /// <summary>When the training run that produced this outcome began (see <see cref="TrialStatus.TrainingStartedAt"/>).</summary>
    [Id(19)] public DateTimeOffset? TrainingStartedAt { get; init; }
}
