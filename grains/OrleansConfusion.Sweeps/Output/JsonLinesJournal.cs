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

/// <summary>The one writer of a journal file (see <see cref="JsonLinesJournal"/>).</summary>
internal sealed class JsonLinesWriter<T>(string path, JsonTypeInfo<T> json) : IAsyncDisposable where T : class
{
    FileStream? _stream;

    public string Path { get; } = path;

    public long BytesWritten { get; private set; }

    /// <summary>Appends the items in one write; returns once the OS holds them (they survive the process being killed).</summary>
    public async Task AppendAsync(IEnumerable<T> items, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            foreach (var item in items)
            {
                JsonSerializer.Serialize(writer, item, json);
                writer.Flush();
                buffer.Write("\n"u8);
                writer.Reset(buffer);
            }
        }
        if (buffer.WrittenCount == 0) return;
        var stream = await OpenAsync(cancellationToken);
        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        BytesWritten += buffer.WrittenCount;
    }

    async Task<FileStream> OpenAsync(CancellationToken cancellationToken)
    {
        if (_stream is not null) return _stream;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1, useAsync: true);
        // A torn last line (a writer killed mid-append) is ended first, so the next line stands on its own.
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            var last = new byte[1];
            await stream.ReadExactlyAsync(last, cancellationToken);
            if (last[0] != (byte)'\n') await stream.WriteAsync("\n"u8.ToArray(), cancellationToken);
        }
        stream.Seek(0, SeekOrigin.End);
        return _stream = stream;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null) await _stream.DisposeAsync();
        _stream = null;
    }
}

/// <summary>
/// The records' JSON, source-generated: a reflection-based reader spent most of a resume reading lines. Snake case,
/// nulls left out (most measurement columns are null in most rows), NaN and infinities as JSON strings.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(MeasurementRow))]
[JsonSerializable(typeof(TrialEvent))]
internal sealed partial class RecordJson : JsonSerializerContext;
