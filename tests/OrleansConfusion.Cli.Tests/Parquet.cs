using DuckDB.NET.Data;

namespace OrleansConfusion.Cli.Tests;

/// <summary>Queries the output with DuckDB, an independent Parquet reader, rather than our own.</summary>
public static class Parquet
{
    public static long Scalar(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static long Rows(string file) => Scalar($"SELECT count(*) FROM read_parquet('{file.Replace("'", "''")}')");
}
