namespace OrleansConfusion.Cli.Tests;

/// <summary>
/// `confusion run` for real: embedded silo, two tiny sphere trials, Parquet output checked with DuckDB,
/// then the same command again, which must skip both trials and leave the output unchanged.
/// </summary>
public sealed class RunEndToEndTests
{
    [Fact]
    public async Task Run_writes_both_parquet_files_and_a_rerun_resumes()
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("tiny.yaml", Specs.Tiny);
        string output = temp.Combine("out");
        string trials = DatasetFiles.Glob(Path.Combine(output, "tiny"), DatasetLayout.Trials);
        string metrics = DatasetFiles.Glob(Path.Combine(output, "tiny"), DatasetLayout.Metrics);

        var first = new CliHarness();
        int code = await first.InvokeAsync("run", spec, "--out", output);

        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{first.Stderr}\n{first.Stdout}");
        Assert.Equal(2, Parquet.Rows(trials));
        long measurements = Parquet.Rows(metrics);
        Assert.True(measurements >= 2, $"{measurements} measurement rows");
        Assert.Equal(2, Parquet.Scalar($"SELECT count(DISTINCT trial_id) FROM read_parquet('{metrics}')"));
        Assert.Equal(2, Parquet.Scalar($"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
        Assert.Contains("mlp w4", first.Stdout);
        Assert.Contains("mlp w8", first.Stdout);
        Assert.Contains(trials, first.Stdout);

        var second = new CliHarness();
        code = await second.InvokeAsync("run", spec, "--out", output);

        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{second.Stderr}");
        Assert.Contains("2 already finished, 0 to run", second.Stderr);
        Assert.Equal(2, Parquet.Rows(trials));
        Assert.Equal(measurements, Parquet.Rows(metrics));

        var results = new CliHarness();
        Assert.Equal(ExitCodes.Ok, await results.InvokeAsync("results", "tiny", "--out", output, "--json"));
        Assert.Contains("\"trial_id\"", results.Stdout);
        Assert.Contains("\"completed\"", results.Stdout);
    }
}
