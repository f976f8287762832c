using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The final files hold the same rows whether the coordinator kept them in memory, outgrew its row
/// cache, or never loaded the journal it finishes from (another activation wrote it).
/// </summary>
public sealed class FinalFilesTests
{
    [Fact]
    public async Task Cached_uncached_and_reloaded_outputs_write_the_same_metrics()
    {
        using var root = new TempDirectory("oc-final");
        var cached = await WriteAsync(Path.Combine(root.Path, "cached"), rowCacheLimit: 50_000, reloadBeforeFinal: false);
        var overflowed = await WriteAsync(Path.Combine(root.Path, "overflowed"), rowCacheLimit: 5, reloadBeforeFinal: false);
        var reloaded = await WriteAsync(Path.Combine(root.Path, "reloaded"), rowCacheLimit: 50_000, reloadBeforeFinal: true);

        Assert.Equal(3 * 4, cached.Count);
        Assert.Equal(cached, overflowed);
        Assert.Equal(cached, reloaded);
        // One row per (trial, step), ordered by trial then step.
        Assert.Equal(cached.OrderBy(r => r.TrialId, StringComparer.Ordinal).ThenBy(r => r.Step), cached);
        Assert.Equal(cached.Count, cached.Distinct().Count());
    }

    [Fact]
    public async Task An_output_that_never_loaded_finishes_from_the_journal_on_disk()
    {
        using var dir = new TempDirectory("oc-final-unloaded");
        var writer = new SweepOutput(dir.Path, NullLogger.Instance);
        await writer.LoadAsync();
        var finished = await OutputWarmup.JournalSampleTrialsAsync(writer, trials: 2, rowsPerTrial: 3);

        await new SweepOutput(dir.Path, NullLogger.Instance).WriteFinalAsync(finished);

        var rows = await ParquetFiles.ReadAsync<MeasurementParquetRow>(Path.Combine(dir.Path, "metrics.parquet"));
        Assert.Equal(6, rows.Count);
    }

    /// <summary>Three trials of four rows, the second batch of each re-sent once (a retried delivery).</summary>
    static async Task<List<(string TrialId, long Step, double? TrainLoss)>> WriteAsync(string dir, int rowCacheLimit, bool reloadBeforeFinal)
    {
        var output = new SweepOutput(dir, NullLogger.Instance) { RowCacheLimit = rowCacheLimit };
        await output.LoadAsync();
        var finished = await OutputWarmup.JournalSampleTrialsAsync(output, trials: 3, rowsPerTrial: 4);
        foreach (var (trial, _) in finished)
        {
            var again = Enumerable.Range(2, 2).Select(i => new MeasurementRow { TrialId = trial.TrialId, Step = i * 16, TrainLoss = 99 }).ToArray();
            Assert.Equal(0, await output.AppendMeasurementsAsync(trial, again));
        }
        if (reloadBeforeFinal)
        {
            output = new SweepOutput(dir, NullLogger.Instance) { RowCacheLimit = rowCacheLimit };
            await output.LoadAsync();
        }
        await output.WriteFinalAsync(finished);
        var rows = await ParquetFiles.ReadAsync<MeasurementParquetRow>(output.MetricsPath);
        return rows.Select(r => (r.TrialId, r.Step, r.TrainLoss)).ToList();
    }
}
