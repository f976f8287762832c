namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// docs/PARQUET_SCHEMA.md must show the tables <see cref="SweepOutputSchema"/> generates. To refresh it
/// after a schema change, run the tests once with ORLEANSCONFUSION_WRITE_DOCS=1.
/// </summary>
public sealed class SchemaDocumentationTests
{
    [Fact]
    public void The_schema_document_matches_the_written_columns()
    {
        string path = Path.Combine(RepositoryRoot(), "docs", "PARQUET_SCHEMA.md");
        string trials = SweepOutputSchema.ToMarkdown(SweepOutputSchema.TrialColumns);
        string metrics = SweepOutputSchema.ToMarkdown(SweepOutputSchema.MeasurementColumns);
        if (Environment.GetEnvironmentVariable("ORLEANSCONFUSION_WRITE_DOCS") == "1")
            File.WriteAllText(path, Document(trials, metrics));
        string text = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.Contains(trials, text);
        Assert.Contains(metrics, text);
    }

    static string Document(string trials, string metrics) => $"""
        # Parquet output schema

        A sweep writes under `<out>/<sweep>/`:

        - `trials.parquet`: one row per trial.
        - `metrics.parquet`: one row per measurement; `(trial_id, step)` is unique.
        - `parts/`: partial files written while the sweep runs (`measurements.jsonl`, a JSON line per delivered
          measurement, and `outcomes.jsonl`, a line per finished trial). The final files are built from them
          when the sweep ends; they are kept so a rerun knows which trials finished and which rows were delivered.

        Every Parquet file is written to a temporary name and renamed, so a reader never sees a truncated file.
        Types are as DuckDB reports them (`DESCRIBE SELECT * FROM read_parquet('…')`). Doubles that have
        no value (no measurement yet, a non-finite loss) are null rather than NaN. Timestamps are UTC
        milliseconds (`TIMESTAMP(MILLIS, isAdjustedToUTC)`): Parquet.Net 6.1.0 writes a timestamp column's
        statistics in milliseconds whatever its unit (upstream issue 769), so microsecond values got statistics
        that DuckDB and Arrow read as 1970-01-21, and filters such as `recorded_at > TIMESTAMPTZ '2026-01-01'`
        skipped every row. `ParquetStatisticsTests` checks every column's statistics with DuckDB and ParquetSharp.
        This file is generated from `SweepOutputSchema` in `grains/OrleansConfusion.Grains`.

        ## trials.parquet

        {trials}
        ## metrics.parquet

        {metrics}
        """.ReplaceLineEndings("\n");

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (OrleansConfusion.sln) not found above " + AppContext.BaseDirectory);
    }
}
