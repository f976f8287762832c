using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;
using TorchSharp;

namespace OrleansConfusion.Engine.Tests.Data;

public sealed class UnitSphereDatasetTests
{
    [Fact]
    public void PointsLieOnTheUnitSphere()
    {
        using var data = UnitSphereDataset.Create(500, 16, 5, SphereLabels.Teacher, seed: 3);
        using var norms = data.Inputs.norm(1);

        Assert.Equal([500L, 16], data.Inputs.shape);
        Assert.Equal([16L], data.SampleShape);
        Assert.Equal(torch.ScalarType.Float32, data.Inputs.dtype);
        Assert.All(norms.data<float>().ToArray(), n => Assert.Equal(1.0, n, 1e-5));
    }

    [Theory]
    [InlineData(SphereLabels.Teacher)]
    [InlineData(SphereLabels.Random)]
    public void SameSeedSameData(SphereLabels mode)
    {
        using var a = UnitSphereDataset.Create(64, 8, 4, mode, seed: 11);
        using var b = UnitSphereDataset.Create(64, 8, 4, mode, seed: 11);
        using var c = UnitSphereDataset.Create(64, 8, 4, mode, seed: 12);

        Assert.True(TensorCheck.Same(a.Inputs, b.Inputs) && TensorCheck.Same(a.Labels, b.Labels));
        Assert.False(TensorCheck.Same(a.Inputs, c.Inputs));
    }

    [Fact]
    public void DataLoadingLeavesTorchGlobalRngAlone()
    {
        torch.manual_seed(5);
        using var expected = torch.rand(4);
        torch.manual_seed(5);
        using (UnitSphereDataset.Create(100, 8, 3, SphereLabels.Random, seed: 1)) { }
        using var actual = torch.rand(4);
        Assert.True(TensorCheck.Same(expected, actual));
    }

    [Fact]
    public void TeacherLabelsUseSeveralClassesAndAreSharedBetweenTrainAndTest()
    {
        var config = new DatasetConfig { Name = "sphere", SphereDimension = 8, SphereClasses = 5, SphereTrainSamples = 1000, SphereTestSamples = 400, SubsetSeed = 4 };
        using var splits = DatasetLoader.Load(config);

        long[] train = splits.Train.Labels.data<long>().ToArray();
        var counts = train.GroupBy(y => y).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, counts.Count);
        Assert.All(counts.Values, c => Assert.True(c >= 50, $"teacher class sizes {string.Join(",", counts)}")); // calibrated: no starved class
        using (var head = splits.Train.Inputs.narrow(0, 0, 400)) Assert.False(TensorCheck.Same(head, splits.Test.Inputs));

        // Same teacher: a point's test label equals what the train-side teacher gives it. Relabel the test points
        // by generating a "train" set whose inputs are the test inputs: same input seed as test, teacher seed as train.
        using var relabelled = UnitSphereDataset.Create(400, 8, 5, SphereLabels.Teacher, inputSeed: config.SubsetSeed * 2 + 2, teacherSeed: config.SubsetSeed);
        Assert.True(TensorCheck.Same(relabelled.Inputs, splits.Test.Inputs));
        Assert.True(TensorCheck.Same(relabelled.Labels, splits.Test.Labels));
        using var otherTeacher = UnitSphereDataset.Create(400, 8, 5, SphereLabels.Teacher, inputSeed: config.SubsetSeed * 2 + 2, teacherSeed: 99);
        Assert.False(TensorCheck.Same(otherTeacher.Labels, splits.Test.Labels));
    }

    [Fact]
    public void SphereIsNotNormalisedByTheLoader()
    {
        using var splits = DatasetLoader.Load(new DatasetConfig { Name = "sphere", SphereDimension = 4, SphereTrainSamples = 50, SphereTestSamples = 20 });
        using var norms = splits.Test.Inputs.norm(1);
        Assert.All(norms.data<float>().ToArray(), n => Assert.Equal(1.0, n, 1e-5));
    }

    [Fact]
    public void RandomLabelsAreRoughlyUniform()
    {
        using var data = UnitSphereDataset.Create(10_000, 4, 10, SphereLabels.Random, seed: 7);
        var counts = data.Labels.data<long>().ToArray().GroupBy(y => y).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(10, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 850, 1150)); // ~5 sigma around 1000
    }
}
