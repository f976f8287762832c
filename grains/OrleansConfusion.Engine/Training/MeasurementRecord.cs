using OrleansConfusion.Engine.Confusion;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// One confusion evaluation at one step of a trial, with the losses and accuracies around it.
/// (trial, step) is unique: a resumed trial never reports a step it had already reported before its
/// last checkpoint, and sinks de-duplicate the few it may repeat after that checkpoint.
/// </summary>
public sealed record MeasurementRecord
{
    public long Step { get; init; }
    public int Epoch { get; init; }
    public double LearningRate { get; init; }

    /// <summary>Mean SGD mini-batch loss since the previous measurement (NaN before the first step).</summary>
    public double SgdLoss { get; init; } = double.NaN;

    /// <summary>Loss and accuracy on the fixed training evaluation subset, eval mode.</summary>
    public double TrainLoss { get; init; }
    public double TrainAccuracy { get; init; }

    public double TestLoss { get; init; }
    public double TestAccuracy { get; init; }

    /// <summary>Seconds since the trial first started (including time before a resume).</summary>
    public double WallSeconds { get; init; }

    public CosineStatistics? Paper { get; init; }
    public double PaperSeconds { get; init; }

    /// <summary>All pairs of <see cref="PaperAllPairsBatches"/> mini-batch gradients; null when off.</summary>
    public CosineStatistics? PaperAllPairs { get; init; }
    public int PaperAllPairsBatches { get; init; }
    public double PaperAllPairsSeconds { get; init; }

    public PerSampleStatistics? PerSample { get; init; }
    public double PerSampleSeconds { get; init; }
}
