namespace OrleansConfusion.Engine.Configuration;

/// <summary>Which data a trial trains on. Plain data: it travels in specs and into the Parquet output.</summary>
public sealed record DatasetConfig
{
    public const string FashionMnistDefaultPath = "/usr/share/datasets/fashion-mnist";

    /// <summary><c>fashion-mnist</c>, <c>mnist</c>, <c>cifar10</c> or <c>sphere</c>.</summary>
    public string Name { get; init; } = "sphere";

    /// <summary>Directory holding the files; Fashion-MNIST defaults to the Debian package's path.</summary>
    public string? Path { get; init; }

    /// <summary>Training samples to keep (0 = all). Chosen deterministically from <see cref="SubsetSeed"/>.</summary>
    public int TrainSubset { get; init; }

    /// <summary>Test samples to keep (0 = all).</summary>
    public int TestSubset { get; init; }

    /// <summary>Seed for the subset choice; the same for every trial of a sweep so trials see the same data.</summary>
    public long SubsetSeed { get; init; } = 0;

    /// <summary>Synthetic sphere: input dimension d.</summary>
    public int SphereDimension { get; init; } = 32;

    /// <summary>Synthetic sphere: training samples generated.</summary>
    public int SphereTrainSamples { get; init; } = 2048;

    /// <summary>Synthetic sphere: test samples generated.</summary>
    public int SphereTestSamples { get; init; } = 512;

    /// <summary>Synthetic sphere: number of classes.</summary>
    public int SphereClasses { get; init; } = 10;

    /// <summary>Synthetic sphere: labels from a random teacher network or uniformly random.</summary>
    public SphereLabels SphereLabels { get; init; } = SphereLabels.Teacher;
}
