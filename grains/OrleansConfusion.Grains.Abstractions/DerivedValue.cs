namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// A field derived from the other axes at each grid point: <see cref="Value"/> × Π axis^exponent, e.g.
/// <c>lr: {value: 0.1, times: {depth: -1}}</c> is 0.1 / depth. A pure arithmetic function of the other axes by
/// construction; <see cref="Axes"/>[i] is raised to <see cref="Exponents"/>[i].
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DerivedValue
{
    [Id(0)] public double Value { get; init; }

    [Id(1)] public string[] Axes { get; init; } = [];

    [Id(2)] public double[] Exponents { get; init; } = [];
}
