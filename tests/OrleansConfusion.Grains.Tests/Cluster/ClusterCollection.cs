namespace OrleansConfusion.Grains.Tests;

/// <summary>Every cluster test shares one <see cref="ClusterFixture"/>; tests use unique sweep ids.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
