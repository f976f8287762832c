using DuckDB.NET.Data;

namespace OrleansConfusion.Grains.Tests;

/// <summary>Reads our Parquet output with DuckDB, an independent reader, never with our own code.</summary>
public static class DuckDb
{
    public static T Scalar<T>(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static List<string[]> Rows(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!).ToArray());
        return rows;
    }

    /// <summary>Column name → DuckDB type, from DESCRIBE.</summary>
    public static Dictionary<string, string> Describe(string path) =>
        Rows($"DESCRIBE SELECT * FROM read_parquet('{path}')").ToDictionary(r => r[0], r => r[1]);

    static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }
}
