using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>One point of a sweep before its seed: the network, the training and the data of its trials.</summary>
internal readonly record struct TrialPoint(ModelSpec Model, TrainingSpec Training, DatasetSpec Dataset);
