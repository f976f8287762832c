using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;

namespace OrleansConfusion.Engine.Tests.Data;

public sealed class Cifar10ReaderTests : IDisposable
{
    readonly TempDataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void ReadsRecordsInChannelMajorOrder()
    {
        string path = dir.Write("test_batch.bin", TempDataDirectory.CifarRecords([7, 2]));

        float[] pixels = Cifar10Reader.ReadImages(path, out byte[] labels);

        Assert.Equal([7, 2], labels);
        Assert.Equal(2 * 3072, pixels.Length);
        Assert.Equal(0f, pixels[0]);
        Assert.Equal(1024 % 256 / 255f, pixels[1024]);           // first green pixel of image 0
        Assert.Equal((7 + 5) % 256 / 255f, pixels[3072 + 5]);    // image 1, red pixel 5
    }

    [Fact]
    public void PartialRecordIsTruncation()
    {
        string path = dir.Write("test_batch.bin", TempDataDirectory.CifarRecords([1, 2])[..5000]);
        var e = Assert.Throws<DataFormatException>(() => Cifar10Reader.ReadImages(path, out _));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("3073", e.Message);
    }

    [Fact]
    public void LabelOutOfRange()
    {
        string path = dir.Write("test_batch.bin", TempDataDirectory.CifarRecords([1, 42]));
        var e = Assert.Throws<DataFormatException>(() => Cifar10Reader.ReadImages(path, out _));
        Assert.Contains("label 42", e.Message);
    }

    [Fact]
    public void LoaderFindsBatchesInTarballSubdirectory()
    {
        string sub = Path.Combine(dir.Path, Cifar10Reader.TarballDirectory);
        Directory.CreateDirectory(sub);
        for (int i = 1; i <= 5; i++)
            File.WriteAllBytes(Path.Combine(sub, $"data_batch_{i}.bin"), TempDataDirectory.CifarRecords([(byte)i, (byte)(i + 1)]));
        File.WriteAllBytes(Path.Combine(sub, "test_batch.bin"), TempDataDirectory.CifarRecords([0, 9, 3]));

        using var splits = DatasetLoader.Load(new DatasetConfig { Name = "cifar10", Path = dir.Path });

        Assert.Equal(10, splits.Train.Count);
        Assert.Equal(3, splits.Test.Count);
        Assert.Equal([3L, 32, 32], splits.SampleShape);
        Assert.Equal([1L, 2, 2, 3, 3, 4, 4, 5, 5, 6], splits.Train.Labels.data<long>().ToArray());
        Assert.Equal(10, splits.NumClasses);
    }

    [Fact]
    public void LoaderReportsMissingBatch()
    {
        File.WriteAllBytes(dir.File("data_batch_1.bin"), TempDataDirectory.CifarRecords([1]));
        var e = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(new DatasetConfig { Name = "cifar10", Path = dir.Path }));
        Assert.Equal(dir.File("data_batch_2.bin"), e.Path);
    }
}
