using Parquet.Serialization;

namespace OrleansConfusion.Sweeps;

/// <summary>Atomic Parquet writes (temp file + rename) and tolerant reads of our own part files.</summary>
internal static class ParquetFiles
{
    /// <summary>A reader never sees a half-written file: the rename replaces the target in one step.</summary>
    public static async Task WriteAtomicAsync<T>(string path, IReadOnlyCollection<T> rows, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await ParquetSerializer.SerializeAsync(rows, stream, cancellationToken: cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static async Task<IList<T>> ReadAsync<T>(string path, CancellationToken cancellationToken = default) where T : class, new()
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return (await ParquetSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken)).Data;
    }
}
