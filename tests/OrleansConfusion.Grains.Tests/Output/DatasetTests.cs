using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The sweep's Parquet dataset as it grows: parts sealed by size and by age, each row in exactly one part whatever
/// crash cuts the writer off (between a part and the deletion of its record segment, in the middle of a compaction,
/// an older coordinator that seals late), whole parts for a reader that globs beside the writer, and the same rows
/// whether one coordinator wrote them or a new generation adopted the record with tiny buffers. Counted with DuckDB.
/// </summary>
public sealed class DatasetTests
{
    [Fact]
    public async Task Repeated_deliveries_are_dropped_and_each_trial_step_is_in_the_dataset_once()
    {
        using var dir = new TempDirectory("oc-dataset");
        var rows = await WriteAsync(dir.Path, reloadBeforeFinish: false, readBuffer: 1 << 16);

        Assert.Equal(3 * 4, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.TrialId, r.Step)).Distinct().Count());
        Assert.DoesNotContain(rows, r => r.TrainLoss == 99); // the re-sent copies
        Assert.Equal(12L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Metrics)}')"));
        Assert.Equal(3L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Trials)}')"));
        Assert.Empty(DatasetLayout.Kinds.SelectMany(k => DatasetLayout.Segments(dir.Path, k))); // the record is empty once all is sealed
    }

    [Fact]
    public async Task A_new_generation_adopts_the_record_with_a_tiny_read_buffer_and_writes_the_same_rows()
    {
        using var root = new TempDirectory("oc-dataset-reload");
        var direct = await WriteAsync(Path.Combine(root.Path, "direct"), reloadBeforeFinish: false, readBuffer: 1 << 16);
        // A 16-byte read buffer is far shorter than one line (a line is about 700 bytes): the streamed path.
        var reloaded = await WriteAsync(Path.Combine(root.Path, "reloaded"), reloadBeforeFinish: true, readBuffer: 16);

        Assert.Equal(direct.Order(), reloaded.Order());
    }

    [Fact]
    public async Task A_part_is_sealed_when_its_buffer_reaches_the_part_size_or_its_oldest_row_the_interval()
    {
        using var dir = new TempDirectory("oc-dataset-seal");
        var plan = OutputWarmup.SamplePlan(trials: 4);
        var output = new SweepOutput(dir.Path, NullLogger.Instance) { SealRows = 5, SealInterval = TimeSpan.FromMinutes(1) };
        var (recorder, _) = await SweepRecorder.OpenAsync(new Sweep(plan), output, rerunUnfinished: false);
        await using var _ = recorder;
        var t0 = DateTime.UtcNow;

        await recorder.DeliverAsync(0, Rows(plan[0].TrialId, 0, 3));
        Assert.False(output.AnyDue(t0));
        Assert.Equal(0, await output.SealDueAsync(t0));
        await recorder.DeliverAsync(1, Rows(plan[1].TrialId, 0, 3)); // 6 rows: over the part size
        Assert.Equal(1, await output.SealDueAsync(t0));
        Assert.Equal(6L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Metrics)}')"));

        await recorder.DeliverAsync(2, Rows(plan[2].TrialId, 0, 1));
        Assert.Equal(0, await output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromSeconds(30)));
        Assert.Equal(1, await output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromMinutes(2))); // the interval: one row is enough
        Assert.Equal(["part-g000001-000001.parquet", "part-g000001-000002.parquet"],
            DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics).Select(p => Path.GetFileName(p.Path)));
        // Sorted by trial, then step, within a part; the configuration columns filled in from the plan.
        Assert.Equal(["sample0|0", "sample0|16", "sample0|32", "sample1|0", "sample1|16", "sample1|32"],
            DuckDb.Rows($"SELECT trial_id || '|' || step FROM read_parquet('{DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics)[0].Path}')").Select(r => r[0]));
        Assert.Equal(1L, DuckDb.Scalar<long>($"SELECT count(DISTINCT sweep_id) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Metrics)}') WHERE sweep_id = 'sample'"));
    }

    [Fact]
    public async Task A_reader_globbing_beside_the_writer_sees_whole_parts_and_a_count_that_only_grows()
    {
        using var dir = new TempDirectory("oc-dataset-reader");
        var plan = OutputWarmup.SamplePlan(trials: 60);
        var output = new SweepOutput(dir.Path, NullLogger.Instance) { SealRows = 50 };
        var (recorder, _) = await SweepRecorder.OpenAsync(new Sweep(plan), output, rerunUnfinished: false);
        await using var _ = recorder;
        string glob = DatasetFiles.Glob(dir.Path, DatasetLayout.Metrics);

        using var stop = new CancellationTokenSource();
        var counts = new List<long>();
        var reader = Task.Run(() =>
        {
            // DuckDB and ParquetSharp (Arrow's C++ reader) each read every part the glob shows, while parts appear.
            while (!stop.IsCancellationRequested)
            {
                if (DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics).Count == 0) continue;
                counts.Add(DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{glob}')"));
                foreach (var part in DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics))
                {
                    using var file = new ParquetSharp.ParquetFileReader(part.Path);
                    Assert.Equal(50L, Enumerable.Range(0, file.FileMetaData.NumRowGroups).Sum(g => file.RowGroup(g).MetaData.NumRows));
                }
            }
        });
        for (int t = 0; t < plan.Count; t++)
        {
            await recorder.DeliverAsync(t, Rows(plan[t].TrialId, 0, 5));
            await output.SealDueAsync(DateTime.UtcNow);
        }
        while (counts.Count < 3 && !reader.IsCompleted) await Task.Delay(10);
        await stop.CancelAsync();
        await reader;

        Assert.Equal(6, DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics).Count);
        Assert.All(counts, c => Assert.True(c % 50 == 0, $"a reader saw {c} rows: part of a part"));
        Assert.Equal(counts.Order(), counts); // never fewer than before
        Assert.Equal(300L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{glob}')"));
    }

    [Fact]
    public async Task A_crash_between_sealing_a_part_and_deleting_its_segment_leaves_each_row_once()
    {
        using var dir = new TempDirectory("oc-dataset-crash-seal");
        var plan = OutputWarmup.SamplePlan(trials: 2);
        string segmentCopy = Path.Combine(dir.Path, "segment.copy");
        await using (var recorder = await OpenAsync(plan, dir.Path))
        {
            await recorder.DeliverAsync(0, Rows(plan[0].TrialId, 0, 4));
            var segment = Assert.Single(DatasetLayout.Segments(dir.Path, DatasetLayout.Metrics));
            File.Copy(segment.Path, segmentCopy);
            await recorder.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1));
            File.Move(segmentCopy, segment.Path); // as if the process died before the segment's deletion
        }

        await using (var reloaded = await OpenAsync(plan, dir.Path))
        {
            Assert.Equal(48, reloaded.Sweep.Ledger.DeliveredThrough(0));
            Assert.Empty(DatasetLayout.Segments(dir.Path, DatasetLayout.Metrics));
            await reloaded.DeliverAsync(1, Rows(plan[1].TrialId, 0, 2));
            await reloaded.FinishOutputAsync();
        }
        Assert.Equal((6L, 6L), Counts(dir.Path));
    }

    [Fact]
    public async Task A_compaction_cut_off_by_a_crash_is_finished_or_dropped_on_load_and_no_row_is_doubled()
    {
        using var root = new TempDirectory("oc-dataset-crash-compact");
        foreach (bool listWritten in new[] { true, false })
        {
            string dir = Path.Combine(root.Path, listWritten ? "listed" : "unlisted");
            var plan = OutputWarmup.SamplePlan(trials: 3);
            string metrics = Path.Combine(dir, DatasetLayout.Metrics);
            string saved = Path.Combine(dir, "saved");
            await using (var recorder = await OpenAsync(plan, dir))
            {
                for (int t = 0; t < plan.Count; t++)
                {
                    await recorder.DeliverAsync(t, Rows(plan[t].TrialId, 0, 2));
                    await recorder.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1)); // three small parts
                }
                Directory.CreateDirectory(saved);
                foreach (var part in DatasetLayout.Parts(dir, DatasetLayout.Metrics)) File.Copy(part.Path, Path.Combine(saved, Path.GetFileName(part.Path)));
                await recorder.FinishOutputAsync(); // merges them into one
            }
            // Put the folder back as a crash left it: the merged part still pending, the small parts not yet deleted.
            var merged = Assert.Single(DatasetLayout.Parts(dir, DatasetLayout.Metrics));
            string name = Path.GetFileName(merged.Path);
            File.Move(merged.Path, Path.Combine(metrics, $".{name}.pending"));
            foreach (string file in Directory.GetFiles(saved)) File.Move(file, Path.Combine(metrics, Path.GetFileName(file)));
            Directory.Delete(saved);
            if (listWritten) await File.WriteAllLinesAsync(Path.Combine(metrics, $".{name}.replaces"), Directory.GetFiles(metrics, "part-*").Select(Path.GetFileName)!);
            Assert.Equal(6L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{DatasetFiles.Glob(dir, DatasetLayout.Metrics)}')"));

            await using (var reloaded = await OpenAsync(plan, dir)) { }

            Assert.Equal((6L, 6L), Counts(dir));
            Assert.Equal(listWritten ? 1 : 3, DatasetLayout.Parts(dir, DatasetLayout.Metrics).Count);
            Assert.Empty(Directory.GetFiles(metrics, ".*"));
        }
    }

    [Fact]
    public async Task A_part_an_older_generation_seals_after_the_new_one_loaded_is_removed_and_its_rows_come_again()
    {
        using var dir = new TempDirectory("oc-dataset-late");
        var plan = OutputWarmup.SamplePlan(trials: 2);
        var old = await OpenUnawareAsync(plan, dir.Path);
        await old.DeliverAsync(0, Rows(plan[0].TrialId, 0, 2));
        await old.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1)); // g1 part 1: adopted below

        await using var current = await OpenAsync(plan, dir.Path);
        Assert.Equal(2, current.Output.Generation);
        // The old activation, cut off by a failover, goes on: these rows it takes are never acknowledged to the new one.
        await old.DeliverAsync(1, Rows(plan[1].TrialId, 0, 3));
        await old.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1)); // g1 part 2: late
        await old.DisposeAsync();
        Assert.Equal(5L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Metrics)}')"));

        Assert.Equal(-1, current.Sweep.Ledger.DeliveredThrough(1));
        Assert.Equal(3, await current.DeliverAsync(1, Rows(plan[1].TrialId, 0, 3))); // the trial sends them again
        await current.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1));

        Assert.Equal(["part-g000001-000001.parquet", "part-g000002-000001.parquet"],
            DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics).Select(p => Path.GetFileName(p.Path)));
        Assert.Equal(5L, DuckDb.Scalar<long>($"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Metrics)}')"));
        Assert.Equal(5L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Metrics)}')"));
    }

    [Fact]
    public async Task An_older_generation_learns_from_the_folder_that_it_was_replaced_and_writes_nothing_more()
    {
        using var dir = new TempDirectory("oc-dataset-superseded");
        var plan = OutputWarmup.SamplePlan(trials: 2);
        await using var old = (await SweepRecorder.OpenAsync(new Sweep(plan), new SweepOutput(dir.Path, NullLogger.Instance) { SupersededCheckInterval = TimeSpan.Zero },
            rerunUnfinished: false)).Recorder;
        await old.DeliverAsync(0, Rows(plan[0].TrialId, 0, 2));
        await using var current = await OpenAsync(plan, dir.Path);

        var refused = await Assert.ThrowsAsync<OutputSupersededException>(() => old.DeliverAsync(0, Rows(plan[0].TrialId, 2, 2)));
        Assert.Contains("generation 2 took over", refused.Message);
        await Assert.ThrowsAsync<OutputSupersededException>(() => old.Output.AppendLogsAsync([new TrialLogRow { TrialId = plan[0].TrialId, Message = "late" }]));
        await Assert.ThrowsAsync<OutputSupersededException>(() => old.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1)));
        Assert.Equal(2, old.Sweep.Ledger.MeasurementRows); // the refused rows were not taken: the trial sends them to the successor

        Assert.Empty(DatasetLayout.Segments(dir.Path, DatasetLayout.Metrics)); // the successor adopted generation 1's segment at load
        Assert.Empty(DatasetLayout.Segments(dir.Path, DatasetLayout.Logs));
        Assert.Equal((2L, 2L), Counts(dir.Path));
    }

    [Fact]
    public async Task A_segment_an_older_generation_appends_after_the_new_one_loaded_is_removed_at_the_next_seal()
    {
        using var dir = new TempDirectory("oc-dataset-zombie");
        var plan = OutputWarmup.SamplePlan(trials: 2);
        await using var old = await OpenUnawareAsync(plan, dir.Path);
        await using var current = await OpenAsync(plan, dir.Path);
        // Cut off, the old coordinator takes rows into a segment of its own; its successor gets them from the trial too.
        await old.DeliverAsync(0, Rows(plan[0].TrialId, 0, 3));
        Assert.Equal(3, await current.DeliverAsync(0, Rows(plan[0].TrialId, 0, 3)));
        Assert.Equal(2, DatasetLayout.Segments(dir.Path, DatasetLayout.Metrics).Count);

        await current.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1));

        Assert.Empty(DatasetLayout.Segments(dir.Path, DatasetLayout.Metrics));
        Assert.Equal((3L, 3L), Counts(dir.Path));
    }

    [Fact]
    public async Task A_segment_an_older_generation_leaves_after_the_sweeps_end_is_adopted_without_the_rows_the_parts_hold()
    {
        using var dir = new TempDirectory("oc-dataset-zombie-after");
        var plan = OutputWarmup.SamplePlan(trials: 2);
        var old = await OpenUnawareAsync(plan, dir.Path);
        await old.DeliverAsync(0, Rows(plan[0].TrialId, 0, 3));
        await old.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1)); // sealed while it still owned the sweep
        await using (var current = await OpenAsync(plan, dir.Path))
        {
            await current.DeliverAsync(1, Rows(plan[1].TrialId, 0, 2));
            await current.FinishOutputAsync();
        }
        // After its successor's end the old coordinator takes trial 1's rows too: a segment of duplicates, left behind.
        Assert.Equal(2, await old.DeliverAsync(1, Rows(plan[1].TrialId, 0, 2)));
        await old.DisposeAsync();
        Assert.Single(DatasetLayout.Segments(dir.Path, DatasetLayout.Metrics));
        Assert.Equal((5L, 5L), Counts(dir.Path));

        await using (var next = await OpenAsync(plan, dir.Path))
        {
            Assert.Equal(16, next.Sweep.Ledger.DeliveredThrough(1));
            Assert.Equal(5, next.Sweep.Ledger.MeasurementRows);
        }
        Assert.Empty(DatasetLayout.Segments(dir.Path, DatasetLayout.Metrics));
        Assert.Equal((5L, 5L), Counts(dir.Path));
    }

    [Fact]
    public async Task Compaction_leaves_each_trial_once_with_its_newest_outcome_and_merges_small_parts()
    {
        using var dir = new TempDirectory("oc-dataset-compact");
        var plan = OutputWarmup.SamplePlan(trials: 2);
        await using (var first = await OpenAsync(plan, dir.Path))
        {
            await first.DeliverAsync(0, Rows(plan[0].TrialId, 0, 1));
            await first.FinishAsync(Outcome(plan[0].TrialId, TrialState.Completed, 0), cancelRequested: false);
            await first.FinishAsync(Outcome(plan[1].TrialId, TrialState.Failed, -1), cancelRequested: false);
            await first.FinishOutputAsync();
        }
        // A resubmit re-runs the failed trial: its second outcome is newer.
        var (second, _) = await SweepRecorder.OpenAsync(plan, dir.Path, rerunUnfinished: true, NullLogger.Instance);
        await using (second)
        {
            await second.DeliverAsync(1, Rows(plan[1].TrialId, 0, 1));
            await second.FinishAsync(Outcome(plan[1].TrialId, TrialState.Completed, 0), cancelRequested: false);
            await second.FinishOutputAsync();
        }

        Assert.Single(DatasetLayout.Parts(dir.Path, DatasetLayout.Trials));
        Assert.Equal([["sample0", "completed"], ["sample1", "completed"]],
            DuckDb.Rows($"SELECT trial_id, status FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Trials)}') ORDER BY trial_id"));
        Assert.Single(DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics));
        Assert.Equal((2L, 2L), Counts(dir.Path));
    }

    [Fact]
    public async Task A_log_line_sealed_after_the_sweeps_end_gets_a_part_of_its_own_beside_the_compacted_ones()
    {
        using var dir = new TempDirectory("oc-dataset-late-log");
        var plan = OutputWarmup.SamplePlan(trials: 2);
        await using var recorder = await OpenAsync(plan, dir.Path);
        for (int i = 0; i < 3; i++)
        {
            await recorder.Output.AppendLogsAsync([new TrialLogRow { TrialId = plan[0].TrialId, Message = $"line {i}", At = DateTime.UtcNow }]);
            await recorder.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1)); // three small parts
        }
        // A line on its way while the end compacts: its segment is open when the compaction takes its number.
        await recorder.Output.AppendLogsAsync([new TrialLogRow { TrialId = plan[1].TrialId, Message = "late", At = DateTime.UtcNow }]);
        await recorder.FinishOutputAsync();
        await recorder.Output.AppendLogsAsync([new TrialLogRow { TrialId = plan[1].TrialId, Message = "later", At = DateTime.UtcNow }]);
        Assert.Equal(5, (await DatasetFiles.ReadLogsAsync(dir.Path)).Count); // `confusion logs` sees the unsealed line too
        await recorder.Output.SealDueAsync(DateTime.UtcNow + TimeSpan.FromHours(1));

        var names = DatasetLayout.Parts(dir.Path, DatasetLayout.Logs).Select(p => Path.GetFileName(p.Path)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(["late", "later", "line 0", "line 1", "line 2"],
            DuckDb.Rows($"SELECT message FROM read_parquet('{DatasetFiles.Glob(dir.Path, DatasetLayout.Logs)}') ORDER BY message").Select(r => r[0]));
        Assert.Equal(5, (await DatasetFiles.ReadLogsAsync(dir.Path)).Count);
    }

    [Fact]
    public async Task Coordinators_that_load_the_folder_get_generations_of_their_own_even_when_they_wrote_nothing()
    {
        using var dir = new TempDirectory("oc-dataset-generations");
        var plan = OutputWarmup.SamplePlan(trials: 1);
        // One that loads and writes nothing (replaced at once), then two that load side by side (a failover race).
        await using var first = await OpenAsync(plan, dir.Path);
        var loads = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => OpenAsync(plan, dir.Path))));
        await using var second = loads[0];
        await using var third = loads[1];

        Assert.Equal([1, 2, 3], new[] { first, second, third }.Select(r => r.Output.Generation).Order());
    }

    /// <summary>Three trials of four rows, the second half of each re-sent once (a retried delivery).</summary>
    static async Task<List<(string TrialId, long Step, double? TrainLoss)>> WriteAsync(string dir, bool reloadBeforeFinish, int readBuffer)
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
            if (reloadBeforeFinish)
            {
                await recorder.DisposeAsync();
                var output = new SweepOutput(dir, NullLogger.Instance) { ReadBufferSize = readBuffer };
                recorder = new SweepRecorder(new Sweep(plan), output);
                var loaded = await output.LoadAsync(recorder.Sweep.Ledger, rerunUnfinished: false);
                Assert.Equal((12L, 3L), (loaded.Rows, loaded.TrialLines));
                Assert.Equal(3, recorder.Sweep.Ledger.CountOf(TrialState.Completed));
                Assert.Equal(2, output.Generation);
            }
            await recorder.FinishOutputAsync();
            var rows = new List<MeasurementRow>();
            foreach (string part in DatasetFiles.Of(dir, DatasetLayout.Metrics)) rows.AddRange(await PartFile.ReadAsync<MeasurementRow>(part, CancellationToken.None));
            return rows.Select(r => (r.TrialId, r.Step, r.TrainLoss)).ToList();
        }
        finally
        {
            await recorder.DisposeAsync();
        }
    }

    static async Task<SweepRecorder> OpenAsync(List<TrialSpec> plan, string dir) =>
        (await SweepRecorder.OpenAsync(plan, dir, rerunUnfinished: false, NullLogger.Instance)).Recorder;

    /// <summary>
    /// An activation whose writes all fall in the window before it would list the folder again and see its successor
    /// (<see cref="SweepOutput.SupersededCheckInterval"/>): what the dataset must survive from a coordinator cut off by a failover.
    /// </summary>
    static async Task<SweepRecorder> OpenUnawareAsync(List<TrialSpec> plan, string dir) =>
        (await SweepRecorder.OpenAsync(new Sweep(plan), new SweepOutput(dir, NullLogger.Instance) { SupersededCheckInterval = TimeSpan.MaxValue },
            rerunUnfinished: false)).Recorder;

    static MeasurementRow[] Rows(string trialId, int from, int count) =>
        Enumerable.Range(from, count).Select(i => new MeasurementRow { TrialId = trialId, Step = i * 16, TrainLoss = 1 }).ToArray();

    static TrialOutcome Outcome(string trialId, TrialState state, long lastMeasured) => new()
    {
        TrialId = trialId, State = state, FinishedAt = DateTime.UtcNow, LastMeasuredStep = lastMeasured,
    };

    /// <summary>The metrics rows in the dataset, and how many distinct (trial, step) they hold.</summary>
    static (long Rows, long Distinct) Counts(string dir)
    {
        string glob = DatasetFiles.Glob(dir, DatasetLayout.Metrics);
        return (DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{glob}')"),
            DuckDb.Scalar<long>($"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{glob}')"));
    }
}
