using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The coordinator applies <see cref="OutputPathPolicy"/> before it stores anything: the refusal crosses the
/// wire as <see cref="SpecRejectedException"/> (its field intact) and the sweep stays unknown.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OutputContainmentTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("../escaped")]
    [InlineData("/tmp")]
    public async Task A_spec_whose_output_leaves_the_silos_base_is_refused_and_nothing_is_stored(string outputDirectory)
    {
        string name = Specs.UniqueName("contain");
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        var e = await Assert.ThrowsAsync<SpecRejectedException>(() => sweep.SubmitAsync(Specs.Fake(name, outputDirectory, widths: 1, seeds: 1)));
        Assert.Equal(OutputPathPolicy.Field, e.Field);
        Assert.Contains(fixture.OutputRoot, e.Message, StringComparison.Ordinal);
        Assert.Equal(SweepState.NotFound, (await sweep.GetStatusAsync()).State);
        Assert.False(Directory.Exists(Path.Combine(Path.GetFullPath(outputDirectory, fixture.OutputRoot), name)));
    }
}
