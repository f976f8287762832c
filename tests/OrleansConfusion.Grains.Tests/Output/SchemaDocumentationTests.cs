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
        string logs = SweepOutputSchema.ToMarkdown(SweepOutputSchema.LogColumns);
        if (Environment.GetEnvironmentVariable("ORLEANSCONFUSION_WRITE_DOCS") == "1")
            File.WriteAllText(path, Document(trials, metrics, logs));
        string text = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.Contains(trials, text);
        Assert.Contains(metrics, text);
        Assert.Contains(logs, text);
    }

    static string Document(string trials, string metrics, string logs) => $"""
        # Parquet output schema

        A sweep writes a Parquet dataset under `<out>/<sweep>/` that grows while it runs. Each kind of row is a folder
        of parts, read with one glob:

        ```sql
        SELECT count(*) FROM read_parquet('runs/<sweep>/metrics/*.parquet');   -- DuckDB, while the sweep runs
        ```

        - `metrics/`: one row per measurement; `(trial_id, step)` is unique across the folder.
        - `trials/`: one row per finished trial. While a sweep runs, a trial that was re-run (a resubmit of a failed
          trial) can have a row per outcome: take the newest `finished_at`. At the sweep's end the folder is compacted
          into one part holding each trial once.
        - `logs/`: the per-trial log: divergences, failures with their exception text, resumes from checkpoints,
          re-drives after a lost silo, retried sends. `confusion logs <sweep>` prints it.
        - `record/`: the write-ahead record behind the parts (JSON lines, not for readers): the rows of each part not
          sealed yet, and the starts of training. A part's record goes once the part is written.
        - `spec.json`: the spec as submitted.

        Parts are named `part-gGGGGGG-NNNNNN.parquet` (coordinator generation, sequence). A part is sealed when it holds
        50,000 rows or its oldest row is 60 s old (the silo settings `OrleansConfusion:Output:PartRows` and `OrleansConfusion:Output:PartInterval`), so a row
        is visible to a reader within about a minute. Each part is written under a hidden temporary name, flushed to
        disk and renamed, so a glob never sees a torn part; every row is in exactly one part, whatever crash cuts the
        writer off (`DatasetTests`). Rows within a part are sorted by `trial_id` (then `step`), in row groups of 10,000,
        so a filter on a trial reads about one row group. At the sweep's end, runs of small parts (sealed by time) are
        merged into parts of up to 50,000 rows: a reader globbing at that moment may see a merge's inputs vanish just
        before its output appears, and should re-run its query if a file disappears under it.

        Types are as DuckDB reports them (`DESCRIBE SELECT * FROM read_parquet('…')`). Doubles that have
        no value (no measurement yet, a non-finite loss) are null rather than NaN. Timestamps are UTC
        milliseconds (`TIMESTAMP(MILLIS, isAdjustedToUTC)`): Parquet.Net 6.1.0 writes a timestamp column's
        statistics in milliseconds whatever its unit (upstream issue 769), so microsecond values got statistics
        that DuckDB and Arrow read as 1970-01-21, and filters such as `recorded_at > TIMESTAMPTZ '2026-01-01'`
        skipped every row. `ParquetStatisticsTests` checks every column's statistics with DuckDB and ParquetSharp.

        Each kind has one row type, used on the wire, in the record and in Parquet (`MeasurementRow`, `TrialOutcome`,
        `TrialLogRow` in `grains/OrleansConfusion.Grains.Abstractions`, the configuration columns from `TrialColumns`).
        This file is generated from them by `SweepOutputSchema`: run the tests with `ORLEANSCONFUSION_WRITE_DOCS=1`.

        ## metrics/

        {metrics}
        ## trials/

        {trials}
        ## logs/

        {logs}
        """.ReplaceLineEndings("\n");

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (OrleansConfusion.sln) not found above " + AppContext.BaseDirectory);
    }
}
