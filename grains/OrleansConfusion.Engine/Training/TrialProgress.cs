namespace OrleansConfusion.Engine.Training;

/// <summary>A cheap heartbeat from the training loop, throttled to a few per second.</summary>
public sealed record TrialProgress(
    long Step,
    long TotalSteps,
    int Epoch,
    double LastLoss,
    double StepsPerSecond,
    double SamplesPerSecond);
