namespace OrleansConfusion.Grains.Abstractions;

/// <summary>SGD settings shared by a sweep's trials (the paper: no momentum, batch 128).</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingSpec
{
    [Id(0)] public double LearningRate { get; init; } = 0.1;
    [Id(1)] public double Momentum { get; init; }
    [Id(2)] public double WeightDecay { get; init; }
    [Id(3)] public int BatchSize { get; init; } = 128;
    [Id(4)] public int Epochs { get; init; } = 10;
    [Id(5)] public int Steps { get; init; }
    [Id(6)] public int[] LrDecayEpochs { get; init; } = [];
    [Id(7)] public double LrDecayFactor { get; init; } = 0.1;
    [Id(8)] public double TargetLoss { get; init; }
}
