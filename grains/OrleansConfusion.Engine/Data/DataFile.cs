using System.IO.Compression;

namespace OrleansConfusion.Engine.Data;

/// <summary>
/// Reads a whole dataset file, gunzipping it when it starts with the gzip magic bytes. Detecting by content,
/// not by extension, lets people drop in either the downloaded <c>.gz</c> or an unpacked copy under any name.
/// Every I/O failure becomes a <see cref="DataFormatException"/> naming the file.
/// </summary>
internal static class DataFile
{
    public static ReadOnlyMemory<byte> ReadAll(string path)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFormatException(path, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot read file: {e.Message}", e);
        }
        return IsGzip(raw) ? Gunzip(path, raw) : raw;
    }

    static bool IsGzip(byte[] data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    static ReadOnlyMemory<byte> Gunzip(string path, byte[] compressed)
    {
        // The trailer's ISIZE (uncompressed length mod 2^32) is only a capacity hint: it is wrong for
        // multi-member or truncated files, and the stream below grows as needed.
        int hint = 0;
        if (compressed.Length >= 18)
        {
            uint isize = BitConverter.ToUInt32(compressed, compressed.Length - 4);
            if (!BitConverter.IsLittleEndian) isize = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(isize);
            if (isize <= 1u << 30 && isize <= (ulong)compressed.Length * 1100) hint = (int)isize;
        }
        try
        {
            using var input = new MemoryStream(compressed, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            var output = new MemoryStream(hint);
            gzip.CopyTo(output);
            return new ReadOnlyMemory<byte>(output.GetBuffer(), 0, (int)output.Length);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new DataFormatException(path, $"corrupt gzip data: {e.Message}", e);
        }
    }
}
