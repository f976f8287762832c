namespace OrleansConfusion.Engine.Configuration;

/// <summary>SGD settings of one trial. Defaults follow the paper: no momentum, no weight decay, batch 128.</summary>
public sealed record TrainingConfig
{
    public double LearningRate { get; init; } = 0.1;
    public double Momentum { get; init; }
    public double WeightDecay { get; init; }
    public int BatchSize { get; init; } = 128;

    /// <summary>Epochs to train. Ignored when <see cref="Steps"/> is positive.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Total SGD steps; 0 means train for <see cref="Epochs"/> epochs.</summary>
    public int Steps { get; init; }

    /// <summary>Epochs after which the learning rate is multiplied by <see cref="LrDecayFactor"/> (the paper: 80, 160).</summary>
    public IReadOnlyList<int> LrDecayEpochs { get; init; } = [];

    public double LrDecayFactor { get; init; } = 0.1;

    /// <summary>A training loss at or below which <c>steps_to_target_loss</c> is recorded (0 = none).</summary>
    public double TargetLoss { get; init; }
}
