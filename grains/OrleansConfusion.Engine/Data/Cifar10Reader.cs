namespace OrleansConfusion.Engine.Data;

/// <summary>
/// Reads the CIFAR-10 "binary version" (<c>data_batch_1..5.bin</c>, <c>test_batch.bin</c>): fixed
/// 3073-byte records of one label byte followed by the red, green and blue 32x32 planes. That layout is
/// already channel-major, so images come out in the [C, H, W] order the models expect without reshuffling.
/// </summary>
public static class Cifar10Reader
{
    public const int Channels = 3, Height = 32, Width = 32, NumClasses = 10;
    public const int ImageBytes = Channels * Height * Width;
    public const int RecordBytes = 1 + ImageBytes;
    public const int TrainBatches = 5;

    /// <summary>The sub-directory the official tarball unpacks to; accepted so users may point at its parent.</summary>
    public const string TarballDirectory = "cifar-10-batches-bin";

    /// <summary>The directory holding the batch files: <paramref name="directory"/> itself or its <see cref="TarballDirectory"/>.</summary>
    public static string ResolveDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DataFormatException(directory, "directory not found");
        string nested = Path.Combine(directory, TarballDirectory);
        bool flat = File.Exists(Path.Combine(directory, "data_batch_1.bin")) || File.Exists(Path.Combine(directory, "test_batch.bin"));
        return !flat && Directory.Exists(nested) ? nested : directory;
    }

    public static IReadOnlyList<string> TrainFiles(string directory)
    {
        string dir = ResolveDirectory(directory);
        return [.. Enumerable.Range(1, TrainBatches).Select(i => Path.Combine(dir, $"data_batch_{i}.bin"))];
    }

    public static string TestFile(string directory) => Path.Combine(ResolveDirectory(directory), "test_batch.bin");

    /// <summary>Reads one batch file; pixels scaled to [0, 1], each image as 3072 values in [C, H, W] order.</summary>
    public static float[] ReadImages(string path, out byte[] labels)
    {
        byte[] bytes = ReadImageBytes([path], out labels);
        var pixels = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) pixels[i] = bytes[i] / 255f;
        return pixels;
    }

    /// <summary>Concatenates the raw 0..255 pixels of several batch files, in order.</summary>
    internal static byte[] ReadImageBytes(IReadOnlyList<string> paths, out byte[] labels)
    {
        var files = paths.Select(p => (Path: p, Data: DataFile.ReadAll(p))).ToList();
        foreach (var (path, data) in files)
        {
            if (data.Length == 0 || data.Length % RecordBytes != 0)
                throw new DataFormatException(path,
                    $"size {data.Length} bytes is not a positive multiple of the {RecordBytes}-byte CIFAR-10 record (truncated, or not the binary version?)");
        }

        long total = files.Sum(f => (long)(f.Data.Length / RecordBytes));
        if (total * ImageBytes > Array.MaxLength)
            throw new DataFormatException(paths[0], $"{total} images are too many to load");
        var pixels = new byte[total * ImageBytes];
        labels = new byte[total];
        int n = 0;
        foreach (var (path, data) in files)
        {
            var span = data.Span;
            for (int r = 0; r < span.Length / RecordBytes; r++, n++)
            {
                var record = span.Slice(r * RecordBytes, RecordBytes);
                if (record[0] >= NumClasses)
                    throw new DataFormatException(path,
                        $"record {r} has label {record[0]} but CIFAR-10 labels are 0..9 (is this the CIFAR-100 binary?)");
                labels[n] = record[0];
                record[1..].CopyTo(pixels.AsSpan(n * ImageBytes, ImageBytes));
            }
        }
        return pixels;
    }
}
