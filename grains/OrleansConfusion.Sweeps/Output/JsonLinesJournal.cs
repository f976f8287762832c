using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OrleansConfusion.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// An append-only file of JSON lines: the durable record a sweep writes while it runs. One writer holds the file
/// open and appends a batch with one write, so an append costs microseconds, not the milliseconds of a small Parquet
/// file. Readers stream it line by line, so a record of gigabytes never sits in memory. A process killed mid-append
/// leaves a torn last line: reading skips it, and the next writer starts on a line of its own.
/// Written by hand because it is 100 lines over System.Text.Json and a FileStream; no library does the torn-line
/// part for us.
/// </summary>
internal static class JsonLinesJournal
{

    /// <summary>
    /// Streams the items of <paramref name="path"/> (none if it does not exist), skipping torn or unreadable lines.
    /// <paramref name="bufferSize"/> is the read buffer; a line may be longer than it.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAsync<T>(string path, JsonTypeInfo<T> json, ILogger logger, int bufferSize = 1 << 16,
        [EnumeratorCancellation] CancellationToken cancellationToken = default) where T : class
    {
        if (!File.Exists(path)) yield break;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize, useAsync: true);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize);
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            T? item = null;
            try { item = JsonSerializer.Deserialize(line, json); }
            catch (JsonException e) { logger.LogWarning("Skipping a torn or unreadable line {Line} of {Path}: {Error}", lineNumber, path, e.Message); }
            if (item is not null) yield return item;
        }
    }
}
