namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// An axis of a sweep beyond the grid's lists: a training or dataset field that takes a list of values, any numeric
/// or named field drawn from a distribution (<see cref="Sampled"/>), or a field derived from the other axes
/// (<see cref="Derived"/>). <see cref="Field"/> is the spec and Parquet spelling: lr, momentum, weight_decay, batch_size,
/// epochs, steps, lr_decay_factor, train_subset, test_subset, subset_seed, or (sampled or derived) a grid field such as
/// width, depth, init_scale, init, activation. Exactly one of <see cref="Values"/>, <see cref="Sampled"/> and
/// <see cref="Derived"/> is set.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AxisSpec
{
    [Id(0)] public string Field { get; init; } = "";

    /// <summary>A list axis: every value is crossed with the other axes.</summary>
    [Id(1)] public double[] Values { get; init; } = [];

    [Id(2)] public SampledValue? Sampled { get; init; }

    [Id(3)] public DerivedValue? Derived { get; init; }
}
