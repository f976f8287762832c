using System.Buffers.Binary;
using System.IO.Compression;

namespace OrleansConfusion.Engine.Tests.Data;

/// <summary>Generates tiny dataset files in a private temp directory, so no binary fixtures are committed.</summary>
internal sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "oc-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] content, bool gzip = false)
    {
        string path = File(name);
        if (!gzip)
        {
            System.IO.File.WriteAllBytes(path, content);
            return path;
        }
        using var file = System.IO.File.Create(path);
        using var stream = new GZipStream(file, CompressionLevel.Fastest);
        stream.Write(content);
        return path;
    }

    public static byte[] IdxImages(int count, int rows, int cols, byte[] pixels) =>
        Idx(0x00000803, [count, rows, cols], pixels);

    public static byte[] IdxLabels(byte[] labels) => Idx(0x00000801, [labels.Length], labels);

    public static byte[] Idx(uint magic, int[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>CIFAR-10 binary records; pixel j of record r is (r * 7 + j) % 256.</summary>
    public static byte[] CifarRecords(byte[] labels)
    {
        var bytes = new byte[labels.Length * 3073];
        for (int r = 0; r < labels.Length; r++)
        {
            bytes[r * 3073] = labels[r];
            for (int j = 0; j < 3072; j++) bytes[r * 3073 + 1 + j] = (byte)((r * 7 + j) % 256);
        }
        return bytes;
    }

    /// <summary>Writes a tiny MNIST-style set: images of the given count with pixel i = (i * 3) % 256.</summary>
    public void WriteMnist(int trainCount, int testCount, bool gzip)
    {
        foreach (var (prefix, n) in new[] { ("train", trainCount), ("t10k", testCount) })
        {
            var pixels = Enumerable.Range(0, n * 4 * 4).Select(i => (byte)(i * 3 % 256)).ToArray();
            var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
            string ext = gzip ? ".gz" : "";
            Write($"{prefix}-images-idx3-ubyte{ext}", IdxImages(n, 4, 4, pixels), gzip);
            Write($"{prefix}-labels-idx1-ubyte{ext}", IdxLabels(labels), gzip);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
