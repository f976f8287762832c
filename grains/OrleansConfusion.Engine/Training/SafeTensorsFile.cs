using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, a JSON header with
/// dtype/shape/data_offsets per tensor and a string-to-string "__metadata__", then raw data), so
/// checkpoints open in Python with <c>safetensors.torch.load_file</c>. TorchSharp 0.107 has no
/// safetensors writer and the format is small, so it is written here. Writes are atomic.
/// </summary>
public static class SafeTensorsFile
{
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) };
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            byte[] data = Bytes(tensor, out string dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode?)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + data.Length),
            };
            blobs.Add(data);
            offset += data.Length;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string tmp = path + ".tmp";
        using (var stream = File.Create(tmp))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var blob in blobs) stream.Write(blob);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Only the header's <c>__metadata__</c>, without reading the tensors.</summary>
    public static Dictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        int read = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        byte[] header = new byte[HeaderLength(path, prefix[..read], stream.Length)];
        stream.ReadExactly(header);
        return Metadata(JsonNode.Parse(header)?["__metadata__"]);
    }

    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = HeaderLength(path, file, file.Length);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLength))?.AsObject()
            ?? throw new InvalidDataException($"{path}: empty header");
        var tensors = new Dictionary<string, Tensor>();
        long dataStart = 8 + headerLength;
        foreach (var (name, node) in header)
        {
            if (node is null || name == "__metadata__") continue;
            string dtype = node["dtype"]!.GetValue<string>();
            long[] shape = node["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            if (dataStart + offsets[1] > file.Length)
                throw new InvalidDataException($"{path}: tensor {name} runs past the end of the file (truncated?)");
            var span = file.AsSpan((int)(dataStart + offsets[0]), (int)(offsets[1] - offsets[0]));
            tensors[name] = dtype switch
            {
                "F32" => tensor(MemoryMarshalCast<float>(span), shape),
                "F64" => tensor(MemoryMarshalCast<double>(span), shape),
                "I64" => tensor(MemoryMarshalCast<long>(span), shape),
                _ => throw new InvalidDataException($"{path}: tensor {name} has unsupported dtype {dtype}"),
            };
        }
        return (tensors, Metadata(header["__metadata__"]));
    }

    /// <summary>The header's length from a file's first 8 bytes (<paramref name="prefix"/>), checked against the file's.</summary>
    static long HeaderLength(string path, ReadOnlySpan<byte> prefix, long fileLength)
    {
        if (prefix.Length < 8) throw new InvalidDataException($"{path}: not a safetensors file (shorter than its header length)");
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength <= 0 || 8 + headerLength > fileLength)
            throw new InvalidDataException($"{path}: header length {headerLength} does not fit a file of {fileLength} bytes");
        return headerLength;
    }

    static Dictionary<string, string> Metadata(JsonNode? metadata)
    {
        var values = new Dictionary<string, string>();
        if (metadata is JsonObject entries)
            foreach (var (k, v) in entries) values[k] = v?.GetValue<string>() ?? "";
        return values;
    }

    static T[] MemoryMarshalCast<T>(ReadOnlySpan<byte> bytes) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();

    static byte[] Bytes(Tensor t, out string dtype)
    {
        using var cpu = t.detach().cpu().contiguous();
        switch (cpu.dtype)
        {
            case ScalarType.Float32: dtype = "F32"; return System.Runtime.InteropServices.MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()).ToArray();
            case ScalarType.Float64: dtype = "F64"; return System.Runtime.InteropServices.MemoryMarshal.AsBytes(cpu.data<double>().ToArray().AsSpan()).ToArray();
            case ScalarType.Int64: dtype = "I64"; return System.Runtime.InteropServices.MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()).ToArray();
            default: throw new NotSupportedException($"cannot checkpoint dtype {cpu.dtype}");
        }
    }
}
