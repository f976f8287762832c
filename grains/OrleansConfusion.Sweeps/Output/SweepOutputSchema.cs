using System.ComponentModel;
using System.Reflection;
using OrleansConfusion.Grains.Abstractions;
using Parquet.Serialization;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The columns of the dataset's parts, in file order, with their types and meanings, generated from the one row type of
/// each kind (<see cref="TrialOutcome"/>, <see cref="MeasurementRow"/>, <see cref="TrialLogRow"/>): the names and the
/// order are the Parquet schema Parquet.Net writes for that type, the meanings its [Description]s. docs/PARQUET_SCHEMA.md
/// is made by <see cref="ToMarkdown"/>, and a test checks the document and what DuckDB reads back against it.
/// </summary>
public static class SweepOutputSchema
{
    public static IReadOnlyList<OutputColumn> TrialColumns { get; } = Columns<TrialOutcome>();

    public static IReadOnlyList<OutputColumn> MeasurementColumns { get; } = Columns<MeasurementRow>();

    public static IReadOnlyList<OutputColumn> LogColumns { get; } = Columns<TrialLogRow>();

    /// <summary>The markdown tables of docs/PARQUET_SCHEMA.md.</summary>
    public static string ToMarkdown(IReadOnlyList<OutputColumn> columns) =>
        "| column | type | meaning |\n|---|---|---|\n" + string.Concat(columns.Select(c => $"| `{c.Name}` | {c.Type} | {c.Meaning} |\n"));

    static OutputColumn[] Columns<T>()
    {
        // Parquet.Net names a column by the property's [JsonPropertyName] (or its name): the same lookup finds the property.
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null)
            .ToDictionary(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name ?? p.Name);
        return [.. typeof(T).GetParquetSchema(forWriting: false).Fields.Select(field =>
        {
            var info = properties[field.Name];
            return new OutputColumn(field.Name, DuckDbType(info.PropertyType), info.GetCustomAttribute<DescriptionAttribute>()?.Description
                ?? throw new InvalidOperationException($"{typeof(T).Name}.{info.Name} has no [Description]: every column is documented"));
        })];
    }

    /// <summary>The type DuckDB reports for a column of this CLR type (<c>DESCRIBE SELECT * FROM read_parquet(...)</c>).</summary>
    static string DuckDbType(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t switch
        {
            _ when t == typeof(string) => "VARCHAR",
            _ when t == typeof(int) => "INTEGER",
            _ when t == typeof(long) => "BIGINT",
            _ when t == typeof(double) => "DOUBLE",
            _ when t == typeof(bool) => "BOOLEAN",
            _ when t == typeof(DateTime) => "TIMESTAMP WITH TIME ZONE",
            _ when t == typeof(long[]) => "BIGINT[]",
            _ => throw new NotSupportedException($"no DuckDB type for {t.Name}"),
        };
    }
}
