namespace OrleansConfusion.Engine.Configuration;

/// <summary>One trial: a configuration and a seed. Everything the engine needs to train and measure it.</summary>
public sealed record TrialConfig
{
    public DatasetConfig Dataset { get; init; } = new();
    public ModelConfig Model { get; init; } = new();
    public TrainingConfig Training { get; init; } = new();
    public MeasurementConfig Measurement { get; init; } = new();
    public long Seed { get; init; }
}
