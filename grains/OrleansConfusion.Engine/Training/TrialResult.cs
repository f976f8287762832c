using OrleansConfusion.Engine.Configuration;

namespace OrleansConfusion.Engine.Training;

/// <summary>How a trial ended and its headline numbers (from the measurements on the eval subset).</summary>
public sealed record TrialResult
{
    public TrialOutcomeStatus Status { get; init; }
    public long Steps { get; init; }
    public int Epochs { get; init; }
    public double FinalLoss { get; init; } = double.NaN;
    public double BestLoss { get; init; } = double.NaN;
    public double FinalAccuracy { get; init; } = double.NaN;
    public double BestAccuracy { get; init; } = double.NaN;
    public double FinalTestAccuracy { get; init; } = double.NaN;

    /// <summary>First measured step whose train loss reached <see cref="TrainingConfig.TargetLoss"/>, if any.</summary>
    public long? StepsToTargetLoss { get; init; }

    public double WallSeconds { get; init; }
    public long ParameterCount { get; init; }
    public string Device { get; init; } = "cpu";
    public string? Error { get; init; }

    /// <summary>The step of the checkpoint the run continued from; null when it started from scratch.</summary>
    public long? ResumedFromStep { get; init; }

    public bool Resumed => ResumedFromStep is not null;
}
