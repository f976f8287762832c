using OrleansConfusion.Engine.Data;

namespace OrleansConfusion.Engine.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    readonly TempDataDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(false, "images")]
    [InlineData(true, "images.gz")]
    [InlineData(true, "images-without-gz-extension")]
    public void ReadsImagesWithExactValues(bool gzip, string name)
    {
        byte[] pixels = [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8];
        string path = dir.Write(name, TempDataDirectory.IdxImages(2, 3, 2, pixels), gzip);

        float[] read = IdxReader.ReadImages(path, out int count, out int rows, out int cols);

        Assert.Equal((2, 3, 2), (count, rows, cols));
        Assert.Equal(pixels.Select(p => p / 255f), read);
        Assert.Equal(1f, read[1]);
        Assert.Equal(0.2f, read[2], 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsLabels(bool gzip)
    {
        byte[] labels = [3, 0, 9, 9, 1];
        string path = dir.Write("labels", TempDataDirectory.IdxLabels(labels), gzip);
        Assert.Equal(labels, IdxReader.ReadLabels(path));
    }

    [Fact]
    public void TruncatedPixelsNameFileAndCounts()
    {
        byte[] full = TempDataDirectory.IdxImages(3, 28, 28, new byte[3 * 784]);
        string path = dir.Write("train-images-idx3-ubyte.gz", full[..1000], gzip: true);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path, out _, out _, out _));

        Assert.Equal(path, e.Path);
        Assert.StartsWith(path, e.Message);
        Assert.Contains("truncated: header says 3 images of 28x28 but only 984 bytes of pixel data", e.Message);
    }

    [Fact]
    public void TruncatedHeader()
    {
        string path = dir.Write("short", [0, 0, 8, 3, 0, 0]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path, out _, out _, out _));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void BadMagicSaysWhatWasExpected()
    {
        // A label file handed to the image reader: the classic mix-up.
        string path = dir.Write("labels-not-images", TempDataDirectory.IdxLabels([1, 2, 3]));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path, out _, out _, out _));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("bad magic number 0x00000801, expected 0x00000803", e.Message);
    }

    [Fact]
    public void ExtraBytesAreRejected()
    {
        string path = dir.Write("labels", TempDataDirectory.Idx(0x801, [2], [1, 2, 3]));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("1 extra bytes", e.Message);
    }

    [Fact]
    public void MissingFile()
    {
        string path = dir.File("nope-idx1-ubyte.gz");
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Equal(path, e.Path);
        Assert.Contains("file not found", e.Message);
    }

    [Fact]
    public void GarbageAfterGzipMagic()
    {
        var garbage = new byte[200];
        new Random(1).NextBytes(garbage);
        (garbage[0], garbage[1]) = (0x1f, 0x8b);
        string path = dir.Write("train-labels-idx1-ubyte.gz", garbage);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        Assert.StartsWith(path, e.Message);
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void TruncatedGzipStreamIsReported()
    {
        string full = dir.Write("full.gz", TempDataDirectory.IdxImages(50, 28, 28, Enumerable.Range(0, 50 * 784).Select(i => (byte)(i * 31)).ToArray()), gzip: true);
        byte[] gz = File.ReadAllBytes(full);
        string path = dir.Write("cut.gz", gz[..(gz.Length / 2)]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path, out _, out _, out _));

        // .NET's GZipStream ends quietly at a cut; the header-versus-length check is what catches it.
        Assert.Equal(path, e.Path);
        Assert.Contains("truncated: header says 50 images of 28x28", e.Message);
    }
}
