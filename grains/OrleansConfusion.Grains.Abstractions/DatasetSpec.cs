namespace OrleansConfusion.Grains.Abstractions;

/// <summary>The data every trial of a sweep trains on.</summary>
[GenerateSerializer, Immutable]
public sealed record DatasetSpec
{
    /// <summary>fashion-mnist, mnist, cifar10 or sphere.</summary>
    [Id(0)] public string Name { get; init; } = "sphere";
    [Id(1)] public string? Path { get; init; }
    [Id(2)] public int TrainSubset { get; init; }
    [Id(3)] public int TestSubset { get; init; }
    [Id(4)] public long SubsetSeed { get; init; }
    [Id(5)] public int SphereDimension { get; init; } = 32;
    [Id(6)] public int SphereTrainSamples { get; init; } = 2048;
    [Id(7)] public int SphereTestSamples { get; init; } = 512;
    [Id(8)] public int SphereClasses { get; init; } = 10;

    /// <summary>teacher or random.</summary>
    [Id(9)] public string SphereLabels { get; init; } = "teacher";
}
