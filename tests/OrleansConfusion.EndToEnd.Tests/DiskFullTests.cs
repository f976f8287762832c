using DuckDB.NET.Data;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// `confusion run` writing onto a small tmpfs that fills part-way through the sweep: the sweep fails visibly (exit 1,
/// the output folder and the system's reason in the message), and the same command, once space is freed, completes it
/// with every measurement exactly once. Needs root (mount).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class DiskFullTests
{
    const string SweepName = "e2e-diskfull";
    static readonly int[] Widths = [8, 12, 16, 20, 24, 32];
    const int Steps = 1000;
    const int MeasureEvery = 50;

    [Fact]
    public async Task A_disk_that_fills_fails_the_sweep_with_its_path_and_reason_and_a_rerun_after_freeing_space_completes_it_exactly()
    {
        using var dir = new TempDirectory("oc-e2e-diskfull-");
        using var disk = new Tmpfs(dir.Combine("disk"), "16m");
        string spec = SweepSpecs.Write(dir.Path, SweepName, Widths, Steps, MeasureEvery);
        string output = Path.Combine(disk.Path, "runs");
        string sweepDir = Path.Combine(output, SweepName);
        string filler = Path.Combine(disk.Path, "filler");

        using (var run = new ManagedProcess("confusion run", "dotnet", [RepoPaths.CliDll, "run", spec, "--out", output]))
        {
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (SweepOutputChecks.RecordedOutcomes(sweepDir) < 1)
            {
                Assert.False(run.HasExited, $"run ended before the disk could fill\n{run.Tail()}");
                Assert.True(DateTime.UtcNow < deadline, $"no trial finished within 5 minutes\n{run.Tail()}");
                await Task.Delay(50);
            }
            long filled = Tmpfs.Fill(filler);
            int exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(3));
            Assert.True(exitCode == 1, $"a full disk should fail the sweep (exit 1), got {exitCode} after filling {filled} bytes\n{run.Tail(60)}");
            string said = run.Output;
            Assert.Contains("the sweep failed", said);
            Assert.Contains("No space left on device", said);
            Assert.Contains(sweepDir, said);
        }
        Assert.True(SweepOutputChecks.RecordedOutcomes(sweepDir) < Widths.Length, "every trial finished before the disk filled: nothing was tested");

        File.Delete(filler);
        string again = await CliRunner.RunOkAsync(TimeSpan.FromMinutes(8), "run", spec, "--out", output);
        Assert.Contains("already finished", again);

        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        string trials = DatasetFiles.Glob(sweepDir, DatasetLayout.Trials), metrics = DatasetFiles.Glob(sweepDir, DatasetLayout.Metrics);
        long perTrial = Steps / MeasureEvery + 1;
        Assert.Equal(Widths.Length, SweepOutputChecks.Scalar(db, $"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
        long rows = SweepOutputChecks.Scalar(db, $"SELECT count(*) FROM read_parquet('{metrics}')");
        Assert.True(Widths.Length * perTrial == rows,
            $"{rows} measurement rows, not {Widths.Length * perTrial}; per trial: " +
            SweepOutputChecks.Text(db, $"SELECT string_agg(trial_id || ' ' || n || ' rows up to step ' || top, ', ') FROM (SELECT trial_id, count(*) AS n, max(step) AS top FROM read_parquet('{metrics}') GROUP BY trial_id)") +
            $"\nthe rerun said:\n{again}");
        Assert.Equal(Widths.Length * perTrial, SweepOutputChecks.Scalar(db, $"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
    }
}
