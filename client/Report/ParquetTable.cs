using System.Collections;
using System.Globalization;
using Parquet.Serialization;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// A Parquet file, or the parts of a dataset folder, read whole into rows keyed by column name, so that the report reads
/// columns by name and ignores the ones it does not know. Values are converted leniently (int or long, float or double).
/// </summary>
internal sealed class ParquetTable
{
    ParquetTable(string path, IReadOnlyList<(string Path, HashSet<string> Columns)> files, IReadOnlyList<IDictionary<string, object>> rows)
    {
        Path = path;
        _files = files;
        Columns = files.SelectMany(f => f.Columns).ToHashSet(StringComparer.Ordinal);
        Rows = rows;
    }

    readonly IReadOnlyList<(string Path, HashSet<string> Columns)> _files;

    public string Path { get; }
    public IReadOnlySet<string> Columns { get; }
    public IReadOnlyList<IDictionary<string, object>> Rows { get; }

    public static Task<ParquetTable> ReadAsync(string path, CancellationToken cancellationToken) => ReadAsync(path, [path], cancellationToken);

    /// <param name="name">What the table is called in messages (a dataset folder's glob).</param>
    /// <param name="paths">Its files: their rows one after another, their columns together.</param>
    public static async Task<ParquetTable> ReadAsync(string name, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var files = new List<(string, HashSet<string>)>();
        var rows = new List<IDictionary<string, object>>();
        foreach (string path in paths)
        {
            if (!File.Exists(path)) throw new ReportInputException(path, "file not found");
            try
            {
                await using var stream = File.OpenRead(path);
                var result = await ParquetSerializer.DeserializeUntypedAsync(stream, null, null, cancellationToken);
                files.Add((path, result.Schema.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal)));
                rows.AddRange(result.Data.Select(r => (IDictionary<string, object>)r));
            }
            catch (Exception e) when (e is not OperationCanceledException and not ReportInputException)
            {
                throw new ReportInputException(path, $"not a readable Parquet file ({e.GetType().Name}: {e.Message})");
            }
        }
        return new ParquetTable(name, files, rows);
    }

    /// <summary>Throws naming the first file (part) that lacks a required column, and every column it lacks.</summary>
    public void Require(string kind, IEnumerable<string> columns)
    {
        var required = columns.ToList();
        foreach (var (path, present) in _files)
        {
            var missing = required.Where(c => !present.Contains(c)).ToList();
            if (missing.Count > 0)
                throw new ReportInputException(path,
                    $"not a {kind} file: missing required column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}");
        }
    }

    /// <summary>Throws naming the first file (part) that has none of the columns.</summary>
    public void RequireAny(string kind, params string[] columns)
    {
        foreach (var (path, present) in _files)
            if (!columns.Any(present.Contains))
                throw new ReportInputException(path, $"not a {kind} file: needs at least one of the columns {string.Join(", ", columns)}");
    }

    public bool Has(string column) => Columns.Contains(column);

    public static object? Get(IDictionary<string, object> row, string column) =>
        row.TryGetValue(column, out var value) ? value : null;

    public static double? AsDouble(object? value) => value switch
    {
        null => null,
        double d => d,
        float f => f,
        decimal m => (double)m,
        long l => l,
        int i => i,
        short s => s,
        sbyte b => b,
        byte b => b,
        ulong u => u,
        uint u => u,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => null,
    };

    public static long? AsLong(object? value) => value switch
    {
        null => null,
        long l => l,
        int i => i,
        short s => s,
        sbyte b => b,
        byte b => b,
        uint u => u,
        ulong u => (long)u,
        double d when double.IsFinite(d) && Math.Round(d) == d => (long)d,
        float f when float.IsFinite(f) && MathF.Round(f) == f => (long)f,
        decimal m when decimal.Round(m) == m => (long)m,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => l,
        _ => null,
    };

    public static bool? AsBool(object? value) => value switch
    {
        null => null,
        bool b => b,
        string s when bool.TryParse(s, out bool b) => b,
        _ => AsLong(value) is { } l ? l != 0 : null,
    };

    public static string? AsString(object? value) => value switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A list column (e.g. a histogram) as longs; null elements count as 0.</summary>
    public static long[]? AsLongArray(object? value) => value switch
    {
        null => null,
        long[] a => a,
        string => null,
        IEnumerable e => [.. e.Cast<object?>().Select(v => AsLong(v) ?? 0)],
        _ => null,
    };
}
