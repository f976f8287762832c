using System.Buffers.Binary;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>Checks a PNG by its bytes: the 8-byte signature, then an IHDR chunk with width and height.</summary>
public static class PngHeader
{
    static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static (int Width, int Height) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, $"{path}: too short for a PNG ({bytes.Length} bytes)");
        Assert.Equal(Signature, bytes[..8]);
        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8, 4)));
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
        int height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4));
        Assert.True(width > 0 && height > 0, $"{path}: IHDR gives {width}×{height}");
        Assert.Contains("IEND", System.Text.Encoding.ASCII.GetString(bytes, bytes.Length - 12, 12));
        return (width, height);
    }
}
