using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The final files hold every held row once, whether the coordinator that writes them recorded the rows itself or
/// read them back from the records of earlier generations, and whatever the read buffer and row-group sizes.
/// </summary>
public sealed class FinalFilesTests
{
    [Fact]
    public async Task Repeated_deliveries_are_dropped_and_each_trial_step_is_written_once()
    {
        using var dir = new TempDirectory("oc-final");
        var rows = await WriteAsync(dir.Path, reloadBeforeFinal: false, readBuffer: 1 << 16, rowGroup: 20_000);

        Assert.Equal(3 * 4, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.TrialId, r.Step)).Distinct().Count());
        Assert.DoesNotContain(rows, r => r.TrainLoss == 99); // the re-sent copies
    }

    [Fact]
    public async Task A_new_generation_finishes_from_the_records_on_disk_with_tiny_buffers_and_row_groups()
    {
        using var root = new TempDirectory("oc-final-reload");
        var direct = await WriteAsync(Path.Combine(root.Path, "direct"), reloadBeforeFinal: false, readBuffer: 1 << 16, rowGroup: 20_000);
        // A 16-byte read buffer is far shorter than one line (a line is about 700 bytes), and 5 rows a row group
        // makes several groups: the streamed paths, not a whole-file read.
        var reloaded = await WriteAsync(Path.Combine(root.Path, "reloaded"), reloadBeforeFinal: true, readBuffer: 16, rowGroup: 5);

        Assert.Equal(direct.Order(), reloaded.Order());
    }

    [Fact]
    public async Task The_final_files_are_streamed_in_row_groups_of_the_configured_size()
    {
        using var dir = new TempDirectory("oc-final-groups");
        var plan = OutputWarmup.SamplePlan(trials: 7);
        var (recorder, _) = await SweepRecorder.OpenAsync(plan, dir.Path, rerunUnfinished: true, NullLogger.Instance);
        await using (recorder)
        {
            await OutputWarmup.RecordSampleTrialsAsync(recorder, rowsPerTrial: 3);
        }
        await using var writer = new SweepRecorder(new Sweep(plan), new SweepOutput(dir.Path, NullLogger.Instance) { RowGroupSize = 4 });
        await writer.Output.LoadAsync(writer.Sweep.Ledger, rerunUnfinished: false);
        await writer.WriteFinalAsync();

        Assert.Equal(21L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{writer.Output.MetricsPath}')"));
        // 21 rows in groups of 4: 6 groups; 7 trials: 2 groups.
        Assert.Equal(6L, DuckDb.Scalar<long>($"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{writer.Output.MetricsPath}')"));
        Assert.Equal(2L, DuckDb.Scalar<long>($"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{writer.Output.TrialsPath}')"));
    }

    /// <summary>Three trials of four rows, the second half of each re-sent once (a retried delivery).</summary>
    static async Task<List<(string TrialId, long Step, double? TrainLoss)>> WriteAsync(string dir, bool reloadBeforeFinal, int readBuffer, int rowGroup)
    {
        var plan = OutputWarmup.SamplePlan(trials: 3);
        var (recorder, _) = await SweepRecorder.OpenAsync(plan, dir, rerunUnfinished: true, NullLogger.Instance);
        try
        {
            await OutputWarmup.RecordSampleTrialsAsync(recorder, rowsPerTrial: 4);
            for (int t = 0; t < plan.Count; t++)
            {
                var again = Enumerable.Range(2, 2).Select(i => new MeasurementRow { TrialId = plan[t].TrialId, Step = i * 16, TrainLoss = 99 }).ToArray();
                Assert.Equal(0, await recorder.DeliverAsync(t, again));
            }
            if (reloadBeforeFinal)
            {
                await recorder.DisposeAsync();
                var output = new SweepOutput(dir, NullLogger.Instance) { ReadBufferSize = readBuffer, RowGroupSize = rowGroup };
                recorder = new SweepRecorder(new Sweep(plan), output);
                var loaded = await output.LoadAsync(recorder.Sweep.Ledger, rerunUnfinished: false);
                Assert.Equal((12L, 3L), (loaded.Rows, loaded.TrialLines));
                Assert.Equal(3, recorder.Sweep.Ledger.CountOf(TrialState.Completed));
                Assert.Equal(2, output.Generation);
            }
            await recorder.WriteFinalAsync();
            var rows = await ParquetFiles.ReadAsync<MeasurementParquetRow>(recorder.Output.MetricsPath);
            return rows.Select(r => (r.TrialId, r.Step, r.TrainLoss)).ToList();
        }
        finally
        {
            await recorder.DisposeAsync();
        }
    }
}
