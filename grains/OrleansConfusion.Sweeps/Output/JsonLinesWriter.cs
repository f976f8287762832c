using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansConfusion.Sweeps;

/// <summary>The one writer of a journal file (see <see cref="JsonLinesJournal"/>).</summary>
internal sealed class JsonLinesWriter<T>(string path, JsonTypeInfo<T> json) : IAsyncDisposable where T : class
{
    FileStream? _stream;

    public string Path { get; } = path;

    public long BytesWritten { get; private set; }

    // Appends may come from interleaved turns of the coordinator (a decided outcome recorded while a reported one is):
    // one at a time, so no two writes share the stream and every line stays whole.
    readonly SemaphoreSlim _appending = new(1, 1);

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
        await _appending.WaitAsync(cancellationToken);
        try
        {
            var stream = await OpenAsync(cancellationToken);
            long committed = stream.Position;
            try
            {
                await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
            catch
            {
                // A write the disk refused part-way (ENOSPC) may have left a torn line. Were the next append to follow it,
                // its first line, acknowledged, would be glued to the torn one and skipped on reading: lost. So the file
                // is cut back to its last whole line (truncating needs no space), and should even that fail, the stream
                // is dropped, and reopening ends the torn line first (see OpenAsync).
                await DropAsync(stream, committed);
                throw;
            }
            BytesWritten += buffer.WrittenCount;
        }
        finally
        {
            _appending.Release();
        }
    }

    async Task DropAsync(FileStream stream, long committed)
    {
        _stream = null;
        try { stream.SetLength(committed); }
        catch (Exception) { /* the reopen ends the torn line */ }
        try { await stream.DisposeAsync(); }
        catch (Exception) { /* disposing flushes nothing: the stream is unbuffered */ }
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
