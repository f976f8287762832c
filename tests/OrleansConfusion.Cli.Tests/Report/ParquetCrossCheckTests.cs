using DuckDB.NET.Data;
using OrleansConfusion.Cli.Report;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>The report reads Parquet with Parquet.Net; DuckDB, an independent reader, must agree with it.</summary>
public sealed class ParquetCrossCheckTests
{
    [Fact]
    public async Task Report_reader_agrees_with_duckdb()
    {
        using var sweep = await Sweeps.PlantedWidthAsync();

        var data = await SweepData.LoadAsync(sweep.Directory, CancellationToken.None);

        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT count(*), count(DISTINCT trial_id), max(epoch), sum(eta), len(any_value(paper_histogram))
            FROM read_parquet('{sweep.MetricsPath.Replace("'", "''")}')
            """;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(data.MeasurementCount, Convert.ToInt32(reader.GetValue(0)));
        Assert.Equal(data.Trials.Count, Convert.ToInt32(reader.GetValue(1)));
        Assert.Equal(4, Convert.ToInt32(reader.GetValue(2)));
        Assert.Equal(SyntheticSweep.HistogramBins, Convert.ToInt32(reader.GetValue(4)));
        Assert.Equal("paper_min_cosine", data.MinCosineColumn);
        Assert.Equal("paper_histogram", data.HistogramColumn);

        // Final η per trial, as DuckDB sees it, against the report's summaries.
        using var finals = connection.CreateCommand();
        finals.CommandText = $"""
            SELECT trial_id, arg_max(eta, step) FROM read_parquet('{sweep.MetricsPath.Replace("'", "''")}') GROUP BY trial_id
            """;
        using var rows = finals.ExecuteReader();
        int seen = 0;
        while (rows.Read())
        {
            var summary = data.Trials.Single(t => t.Trial.TrialId == rows.GetString(0));
            Assert.Equal(rows.GetDouble(1), summary.FinalEta!.Value, 12);
            seen++;
        }
        Assert.Equal(data.Trials.Count, seen);
    }
}
