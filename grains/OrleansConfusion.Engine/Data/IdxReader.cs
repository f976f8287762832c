using System.Buffers.Binary;

namespace OrleansConfusion.Engine.Data;

/// <summary>
/// Reads the big-endian IDX format of MNIST and Fashion-MNIST (gzipped or raw, detected by magic bytes).
/// The header is checked against the data length so a truncated download fails loudly here instead of
/// silently training on fewer or garbage samples.
/// </summary>
public static class IdxReader
{
    const byte UnsignedByteType = 0x08;

    /// <summary>Reads an <c>idx3-ubyte</c> image file; pixels are scaled from 0..255 to [0, 1], row-major per image.</summary>
    public static float[] ReadImages(string path, out int count, out int rows, out int cols)
    {
        byte[] bytes = ReadImageBytes(path, out count, out rows, out cols);
        var pixels = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) pixels[i] = bytes[i] / 255f;
        return pixels;
    }

    /// <summary>Reads an <c>idx1-ubyte</c> label file.</summary>
    public static byte[] ReadLabels(string path)
    {
        var data = DataFile.ReadAll(path).Span;
        int[] dims = ReadHeader(path, data, 1, "labels");
        var payload = data[HeaderLength(1)..];
        CheckLength(path, payload.Length, dims[0], $"{dims[0]} labels", "bytes of label data");
        return payload.ToArray();
    }

    /// <summary>The raw 0..255 pixels, for callers that convert on the tensor side to avoid a float copy.</summary>
    internal static byte[] ReadImageBytes(string path, out int count, out int rows, out int cols)
    {
        var data = DataFile.ReadAll(path).Span;
        int[] dims = ReadHeader(path, data, 3, "images");
        (count, rows, cols) = (dims[0], dims[1], dims[2]);
        long expected = (long)count * rows * cols;
        var payload = data[HeaderLength(3)..];
        CheckLength(path, payload.Length, expected, $"{count} images of {rows}x{cols}", "bytes of pixel data");
        return payload.ToArray();
    }

    static int HeaderLength(int dimensions) => 4 + 4 * dimensions;

    static int[] ReadHeader(string path, ReadOnlySpan<byte> data, int dimensions, string what)
    {
        uint expectedMagic = (uint)(UnsignedByteType << 8 | dimensions);
        if (data.Length < 4)
            throw new DataFormatException(path, $"truncated: {data.Length} bytes, too short for an IDX header");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (magic != expectedMagic)
            throw new DataFormatException(path,
                $"bad magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} (IDX unsigned-byte {what}, {dimensions} dimension(s)); is this the right file?");
        if (data.Length < HeaderLength(dimensions))
            throw new DataFormatException(path, $"truncated: {data.Length} bytes, too short for a {dimensions}-dimensional IDX header");

        var dims = new int[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(data[(4 + 4 * i)..]);
            if (dims[i] < 0) throw new DataFormatException(path, $"header dimension {i} is negative ({dims[i]})");
        }
        return dims;
    }

    static void CheckLength(string path, long actual, long expected, string declared, string unit)
    {
        if (expected > Array.MaxLength)
            throw new DataFormatException(path, $"header says {declared}, too large to load");
        if (actual < expected)
            throw new DataFormatException(path, $"truncated: header says {declared} but only {actual} {unit} (expected {expected})");
        if (actual > expected)
            throw new DataFormatException(path, $"header says {declared} but the file has {actual - expected} extra bytes after them");
    }
}
