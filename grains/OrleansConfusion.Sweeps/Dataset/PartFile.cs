using Parquet;
using Parquet.Serialization;

namespace OrleansConfusion.Sweeps;

/// <summary>Writes one part of the dataset: a temporary hidden file, flushed to disk, then renamed into place.</summary>
public static class PartFile
{
    /// <summary>
    /// Rows per row group: readers skip a row group whose statistics rule it out, and rows are sorted by trial within a
    /// part, so a filter on a trial reads about one group of 10,000 rows instead of the whole part.
    /// </summary>
    public const int RowGroupSize = 10_000;

    /// <summary>
    /// Writes <paramref name="rows"/> as <paramref name="name"/> in <paramref name="folder"/>. A part that exists is kept
    /// (an IOException) unless <paramref name="overwrite"/>: a coordinator cut off by a failover must not replace a part
    /// its successor adopted under the same name.
    /// </summary>
    public static async Task WriteAsync<T>(string folder, string name, IReadOnlyCollection<T> rows, CancellationToken cancellationToken, bool overwrite = false)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        string temp = Path.Combine(folder, DatasetLayout.TempName(name));
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
            {
                await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = RowGroupSize }, cancellationToken: cancellationToken);
                await stream.FlushAsync(cancellationToken);
                // On disk before it is renamed: a crash never leaves a named part that is empty or torn.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Every row of a part.</summary>
    public static async Task<IList<T>> ReadAsync<T>(string path, CancellationToken cancellationToken) where T : class, new()
    {
        await using var stream = File.OpenRead(path);
        return (await ParquetSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken)).Data;
    }
}
