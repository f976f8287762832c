using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace OrleansConfusion.Grains;

/// <summary>
/// An append-only file of JSON lines: what the sink writes while a sweep runs, before the final
/// Parquet files exist. Appending a few lines costs ~0.1 ms where a small Parquet file cost several
/// milliseconds of the coordinator's single thread per delivery. A process killed mid-append leaves
/// a torn last line; reading skips it and ends it, so the next append starts a line of its own.
/// </summary>
internal sealed class JsonLinesJournal<T>(string path, ILogger logger) where T : class
{
    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string Path { get; } = path;

    public async Task AppendAsync(IEnumerable<T> items, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        foreach (var item in items) text.Append(JsonSerializer.Serialize(item, Json)).Append('\n');
        if (text.Length == 0) return;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await File.AppendAllTextAsync(Path, text.ToString(), cancellationToken);
    }

    public async Task<List<T>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var items = new List<T>();
        if (!File.Exists(Path)) return items;
        string text = await File.ReadAllTextAsync(Path, cancellationToken);
        foreach (string line in text.Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                if (JsonSerializer.Deserialize<T>(line, Json) is { } item) items.Add(item);
            }
            catch (JsonException e)
            {
                logger.LogWarning(e, "Skipping a torn line of {Path}", Path);
            }
        }
        if (text.Length > 0 && text[^1] != '\n') await File.AppendAllTextAsync(Path, "\n", cancellationToken);
        return items;
    }
}
