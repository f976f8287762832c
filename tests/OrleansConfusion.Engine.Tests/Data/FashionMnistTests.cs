using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;

namespace OrleansConfusion.Engine.Tests.Data;

/// <summary>Loads the real Debian-packaged Fashion-MNIST once for the whole test class.</summary>
public sealed class FashionMnistFixture : IDisposable
{
    public FashionMnistFixture()
    {
        Assert.True(Directory.Exists(DatasetConfig.FashionMnistDefaultPath),
            $"{DatasetConfig.FashionMnistDefaultPath} is missing: apt-get install dataset-fashion-mnist");
        Splits = DatasetLoader.Load(new DatasetConfig { Name = "fashion-mnist" });
    }

    public DatasetSplits Splits { get; }

    public void Dispose() => Splits.Dispose();
}

public sealed class FashionMnistTests(FashionMnistFixture fixture) : IClassFixture<FashionMnistFixture>
{
    [Fact]
    public void LoadsFullSplitsWithImageShape()
    {
        var s = fixture.Splits;
        Assert.Equal((60000, 10000), (s.Train.Count, s.Test.Count));
        Assert.Equal([60000L, 1, 28, 28], s.Train.Inputs.shape);
        Assert.Equal([1L, 28, 28], s.SampleShape);
        Assert.Equal(10, s.NumClasses);
        Assert.Equal("fashion-mnist", s.Name);
    }

    [Fact]
    public void LabelsCoverAllTenClasses()
    {
        foreach (var split in new[] { fixture.Splits.Train, fixture.Splits.Test })
        {
            var counts = split.Labels.data<long>().ToArray().GroupBy(y => y).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), counts.Keys.Order());
            Assert.All(counts.Values, c => Assert.Equal(split.Count / 10, c)); // Fashion-MNIST is exactly balanced
        }
    }

    [Fact]
    public void TrainIsStandardised()
    {
        var x = fixture.Splits.Train.Inputs;
        Assert.Equal(0.0, TensorCheck.Mean(x), 1e-3);
        Assert.Equal(1.0, TensorCheck.Std(x), 1e-3);
        using var testMean = fixture.Splits.Test.Inputs.mean();
        Assert.InRange(testMean.item<float>(), -0.1, 0.1); // same transform, similar distribution
    }

    [Fact]
    public void SubsetsAreDeterministic()
    {
        var config = new DatasetConfig { Name = "fashion-mnist", TrainSubset = 500, TestSubset = 100, SubsetSeed = 17 };
        using var a = DatasetLoader.Load(config);
        using var b = DatasetLoader.Load(config);
        using var c = DatasetLoader.Load(config with { SubsetSeed = 18 });

        Assert.Equal((500, 100), (a.Train.Count, a.Test.Count));
        Assert.True(TensorCheck.Same(a.Train.Inputs, b.Train.Inputs) && TensorCheck.Same(a.Train.Labels, b.Train.Labels));
        Assert.True(TensorCheck.Same(a.Test.Inputs, b.Test.Inputs));
        Assert.False(TensorCheck.Same(a.Train.Inputs, c.Train.Inputs));
    }
}
