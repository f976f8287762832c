namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// A field drawn from a distribution: the sweep's <see cref="SweepSpec.Samples"/> quasi-random points cover the box of
/// all sampled fields together and are crossed with the list axes and the seeds.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SampledValue
{
    /// <summary>uniform, log_uniform, int_uniform or choice.</summary>
    [Id(0)] public string Distribution { get; init; } = "";

    /// <summary>The bounds of uniform, log_uniform (both &gt; 0) and int_uniform (inclusive).</summary>
    [Id(1)] public double Low { get; init; }

    [Id(2)] public double High { get; init; }

    /// <summary>The values of a choice, as written (numbers or names).</summary>
    [Id(3)] public string[] Choices { get; init; } = [];
}
