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
        - `parts/`: the sweep's record, appended while it runs, one pair of files per coordinator generation:
          `measurements-gNNNNNN.jsonl`, a JSON line per measurement the coordinator holds, and
          `trials-gNNNNNN.jsonl`, a line per start of training and per outcome. Readers stream them line by line.
          The final files are built from them when the sweep ends, in row groups of 20,000 rows, so memory stays
          bounded at any sweep size. They are kept: a rerun learns from them which trials finished, which rows are held
          and how many attempts each trial made.
        - `metrics.parquet` rows are in the order they arrived, not sorted: add `ORDER BY trial_id, step` where order matters.

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
