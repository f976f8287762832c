using DuckDB.NET.Data;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// `confusion run` as a user types it: Ctrl-C part-way through cancels cleanly (exit 130), and the
/// same command again resumes, skipping the finished trials, with every measurement exactly once.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CliInterruptTests : IDisposable
{
    const string SweepName = "e2e-interrupt";
    static readonly int[] Widths = [8, 12, 16, 20, 24, 32];

    // The interrupt follows the first outcome within 50 ms, and the next trial trains for far longer than that
    // even on a fast machine (600 steps took 0.2 s on one). Not longer: on a machine loaded 10x over, a
    // 3000-step trial took a minute, and the rerun's five trials outlasted its timeout.
    const int Steps = 1000;
    const int MeasureEvery = 250;

    readonly TempDirectory _dir = new("oc-e2e-interrupt-");

    [Fact]
    public async Task Ctrl_c_cancels_and_rerunning_resumes_without_duplicate_rows()
    {
        string spec = SweepSpecs.Write(_dir.Path, SweepName, Widths, Steps, MeasureEvery);
        string output = Path.Combine(_dir.Path, "runs");
        string sweepDir = Path.Combine(output, SweepName);

        using (var run = new ManagedProcess("confusion run", "dotnet", [RepoPaths.CliDll, "run", spec, "--out", output]))
        {
            // Interrupt once the first trial has finished (its outcome is in the journal) and before the last.
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (SweepOutputChecks.RecordedOutcomes(sweepDir) < 1)
            {
                Assert.False(run.HasExited, $"run ended before it could be interrupted\n{run.Tail()}");
                Assert.True(DateTime.UtcNow < deadline, $"no trial finished within 5 minutes\n{run.Tail()}");
                await Task.Delay(50);
            }
            run.Interrupt();
            int exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(1));
            Assert.True(exitCode == 130, $"Ctrl-C should exit 130, got {exitCode}\n{run.Tail()}");
        }
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        string trials = DatasetFiles.Glob(sweepDir, DatasetLayout.Trials), metrics = DatasetFiles.Glob(sweepDir, DatasetLayout.Metrics);
        long completedBefore = Scalar(db, $"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'");
        Assert.InRange(completedBefore, 1, Widths.Length - 1);
        Assert.Equal(Widths.Length - completedBefore, Scalar(db, $"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'cancelled'"));

        string again = await CliRunner.RunOkAsync(TimeSpan.FromMinutes(8), "run", spec, "--out", output);
        Assert.Contains($"{completedBefore} already finished", again);

        Assert.Equal(Widths.Length, Scalar(db, $"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
        long perTrial = Steps / MeasureEvery + 1;
        Assert.Equal(Widths.Length * perTrial, Scalar(db, $"SELECT count(*) FROM read_parquet('{metrics}')"));
        Assert.Equal(Widths.Length * perTrial, Scalar(db, $"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
    }

    static long Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _dir.Dispose();
}
