using System.Collections;
using System.Globalization;
using Parquet.Serialization;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// A Parquet file read whole into rows keyed by column name, so that the report reads columns by name
/// and ignores the ones it does not know. Values are converted leniently (int or long, float or double).
/// </summary>
internal sealed class ParquetTable
{
    ParquetTable(string path, IReadOnlySet<string> columns, IReadOnlyList<IDictionary<string, object>> rows)
    {
        Path = path;
        Columns = columns;
        Rows = rows;
    }

    public string Path { get; }
    public IReadOnlySet<string> Columns { get; }
    public IReadOnlyList<IDictionary<string, object>> Rows { get; }

    public static async Task<ParquetTable> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new ReportInputException(path, "file not found");
        try
        {
            await using var stream = File.OpenRead(path);
            var result = await ParquetSerializer.DeserializeUntypedAsync(stream, null, null, cancellationToken);
            var columns = result.Schema.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            var rows = result.Data.Select(r => (IDictionary<string, object>)r).ToList();
            return new ParquetTable(path, columns, rows);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ReportInputException)
        {
            throw new ReportInputException(path, $"not a readable Parquet file ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>Throws naming every missing column at once.</summary>
    public void Require(string kind, IEnumerable<string> columns)
    {
        var missing = columns.Where(c => !Columns.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new ReportInputException(Path,
                $"not a {kind} file: missing required column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}");
    }

    /// <summary>Throws unless at least one of the columns is present.</summary>
    public void RequireAny(string kind, params string[] columns)
    {
        if (!columns.Any(Columns.Contains))
            throw new ReportInputException(Path, $"not a {kind} file: needs at least one of the columns {string.Join(", ", columns)}");
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
