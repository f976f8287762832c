using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// A sweep folder written by the version before the dataset (Fixtures/output-before-dataset/legacy: `confusion run` of
/// 3 widths x 2 seeds at commit 246aeec, with its parts/ record and final trials.parquet and metrics.parquet) resumes:
/// its record becomes parts of its generation, the next coordinator takes generation 2, every row is in the dataset once,
/// and the old final files move aside, out of the dataset's globs.
/// </summary>
public sealed class LegacyOutputTests
{
    [Fact]
    public async Task An_output_folder_of_the_version_before_the_dataset_resumes_with_every_row_once()
    {
        using var dir = new TempDirectory("oc-legacy");
        string sweep = Path.Combine(dir.Path, "legacy");
        CopyDirectory(Path.Combine(RepositoryRoot(), "tests", "OrleansConfusion.Grains.Tests", "Fixtures", "output-before-dataset", "legacy"), sweep);
        var spec = SweepOutput.ReadSpec(sweep) ?? throw new InvalidOperationException("the fixture has no spec.json");
        var plan = SweepPlanner.Plan(spec);
        Assert.Equal(6, plan.Trials.Count);

        var (recorder, loaded) = await SweepRecorder.OpenAsync(plan, sweep, rerunUnfinished: false, NullLogger.Instance);
        await using (recorder)
        {
            // The trial ids of today's planner are the old ones: every outcome and row found its trial.
            Assert.Equal(6, recorder.Sweep.Ledger.CountOf(TrialState.Completed));
            Assert.Equal(18L, loaded.Rows);
            Assert.Equal(2, recorder.Output.Generation);
            Assert.All(Enumerable.Range(0, 6), i => Assert.Equal(1, recorder.Sweep.Ledger.Attempts(i)));
            await recorder.FinishOutputAsync();
        }

        Assert.False(Directory.Exists(Path.Combine(sweep, "parts")));
        Assert.False(File.Exists(Path.Combine(sweep, "trials.parquet")) || File.Exists(Path.Combine(sweep, "metrics.parquet")));
        Assert.True(File.Exists(Path.Combine(sweep, "pre-dataset", "trials.parquet")) && File.Exists(Path.Combine(sweep, "pre-dataset", "metrics.parquet")));
        string metrics = DatasetFiles.Glob(sweep, DatasetLayout.Metrics), trials = DatasetFiles.Glob(sweep, DatasetLayout.Trials);
        Assert.Equal(18L, DuckDb.Scalar<long>($"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
        Assert.Equal(18L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}')"));
        // The old record's NaN (no mini-batch loss before the first step) is today's null; its renamed fields are read.
        Assert.Equal(6L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}') WHERE step = 0 AND sgd_loss IS NULL"));
        Assert.Equal(6L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed' AND trained_steps = 8 AND trained_epochs = 2"));
        // The same rows as the old final files, value for value.
        Assert.Equal(0L, DuckDb.Scalar<long>($"""
            SELECT count(*) FROM (
              SELECT trial_id, step, train_loss, paper_min_cosine, eta FROM read_parquet('{Path.Combine(sweep, "pre-dataset", "metrics.parquet")}')
              EXCEPT SELECT trial_id, step, train_loss, paper_min_cosine, eta FROM read_parquet('{metrics}'))
            """));

        // Again: nothing left to migrate, and nothing doubles.
        var (again, reloaded) = await SweepRecorder.OpenAsync(plan, sweep, rerunUnfinished: false, NullLogger.Instance);
        await using (again)
        {
            Assert.Equal((18L, 3), (reloaded.Rows, again.Output.Generation));
            Assert.Equal(6, again.Sweep.Ledger.CountOf(TrialState.Completed));
        }
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (OrleansConfusion.sln) not found above " + AppContext.BaseDirectory);
    }
}
