using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;

namespace OrleansConfusion.Engine.Tests.Data;

/// <summary>Loader behaviour on tiny generated MNIST-format files.</summary>
public sealed class DatasetLoaderTests : IDisposable
{
    readonly TempDataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    DatasetConfig Mnist => new() { Name = "mnist", Path = dir.Path };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsRawOrGzippedIdx(bool gzip)
    {
        dir.WriteMnist(trainCount: 12, testCount: 5, gzip);

        using var splits = DatasetLoader.Load(Mnist);

        Assert.Equal((12, 5), (splits.Train.Count, splits.Test.Count));
        Assert.Equal([1L, 4, 4], splits.SampleShape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)(i % 10)), splits.Train.Labels.data<long>().ToArray());
    }

    [Fact]
    public void NormalisesWithTrainStatisticsAfterSubsetting()
    {
        dir.WriteMnist(trainCount: 40, testCount: 10, gzip: false);

        using var splits = DatasetLoader.Load(Mnist with { TrainSubset = 15, TestSubset = 4, SubsetSeed = 9 });

        Assert.Equal((15, 4), (splits.Train.Count, splits.Test.Count));
        Assert.Equal(0.0, TensorCheck.Mean(splits.Train.Inputs), 1e-5);
        Assert.Equal(1.0, TensorCheck.Std(splits.Train.Inputs), 1e-4);
    }

    [Fact]
    public void CountMismatchNamesTheLabelFile()
    {
        dir.WriteMnist(trainCount: 12, testCount: 5, gzip: false);
        string labels = dir.Write("t10k-labels-idx1-ubyte", TempDataDirectory.IdxLabels([1, 2, 3]));

        var e = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(Mnist));

        Assert.Equal(labels, e.Path);
        Assert.Contains("has 3 labels but", e.Message);
        Assert.Contains("has 5 images", e.Message);
    }

    [Fact]
    public void MissingFileNamesTheExpectedPath()
    {
        dir.WriteMnist(trainCount: 3, testCount: 3, gzip: true);
        File.Delete(dir.File("t10k-images-idx3-ubyte.gz"));

        var e = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(Mnist));

        Assert.Equal(dir.File("t10k-images-idx3-ubyte.gz"), e.Path);
        Assert.Contains("file not found", e.Message);
    }

    [Fact]
    public void MissingDirectory()
    {
        string missing = Path.Combine(dir.Path, "absent");
        var e = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(new DatasetConfig { Name = "fashion-mnist", Path = missing }));
        Assert.Equal(missing, e.Path);
        Assert.Contains("directory not found", e.Message);
    }

    [Fact]
    public void UnknownNameListsAllowedNames()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetLoader.Load(new DatasetConfig { Name = "imagenet" }));
        Assert.Contains("imagenet", e.Message);
        Assert.Contains("fashion-mnist, mnist, cifar10, sphere", e.Message);
    }

    [Fact]
    public void MnistNeedsAPath()
    {
        Assert.Throws<ArgumentException>(() => DatasetLoader.Load(new DatasetConfig { Name = "mnist" }));
    }
}
