using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The output's record as a restarted coordinator reads it: torn lines skipped, outcomes taken only with their
/// rows, attempts never repeated, each generation in files of its own, a long starts record compacted, and the
/// final files of an older version refused when their record is gone.
/// </summary>
public sealed class TrialRecordTests
{
    static readonly List<TrialSpec> Plan = OutputWarmup.SamplePlan(trials: 3);

    [Fact]
    public async Task A_torn_last_line_is_skipped_and_the_next_generation_starts_its_own_file()
    {
        using var dir = new TempDirectory("oc-record-torn");
        await using (var first = await OpenAsync(dir.Path))
        {
            await Finish(first, 0, TrialState.Completed);
            await Finish(first, 1, TrialState.Diverged);
            await first.DisposeAsync();
            // Killed mid-append: the outcome of sample2 is half a line in the trials segment, which no part covers yet.
            await File.AppendAllTextAsync(Assert.Single(DatasetLayout.Segments(dir.Path, DatasetLayout.Trials)).Path, "{\"trial_id\":\"sample2\",\"atte");
        }

        await using (var second = await OpenAsync(dir.Path))
        {
            Assert.Equal((1, 1, 1), (second.Sweep.Ledger.CountOf(TrialState.Completed), second.Sweep.Ledger.CountOf(TrialState.Diverged), second.Sweep.Ledger.CountOf(TrialState.Queued)));
            Assert.Equal(2, second.Output.Generation);
            await Finish(second, 2, TrialState.Completed);
        }

        await using var third = await OpenAsync(dir.Path);
        Assert.Equal(2, third.Sweep.Ledger.CountOf(TrialState.Completed));
        Assert.Equal(0, third.Sweep.Ledger.Unfinished);
    }

    [Fact]
    public async Task An_outcome_whose_rows_are_not_held_does_not_finish_the_trial_on_reload()
    {
        using var dir = new TempDirectory("oc-record-rows");
        await using (var recorder = await OpenAsync(dir.Path))
        {
            await recorder.DeliverAsync(0, [Row(0, 0), Row(0, 16)]);
            var (verdict, _) = await recorder.FinishAsync(Outcome(0, TrialState.Completed, lastMeasured: 16), cancelRequested: false);
            Assert.Equal(OutcomeVerdict.Taken, verdict);
        }
        // The measurement record is lost (a deleted file, a volume restored from an older backup).
        foreach (var segment in DatasetLayout.Segments(dir.Path, DatasetLayout.Metrics)) File.Delete(segment.Path);
        Assert.Empty(DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics));

        await using var reloaded = await OpenAsync(dir.Path);
        Assert.Equal(TrialState.Queued, reloaded.Sweep.Ledger.State(0));
        Assert.Equal(-1, reloaded.Sweep.Ledger.DeliveredThrough(0));
    }

    [Fact]
    public async Task Attempt_numbers_continue_across_generations()
    {
        using var dir = new TempDirectory("oc-record-attempts");
        await using (var first = await OpenAsync(dir.Path))
        {
            await first.Output.AppendStartAsync("sample0", 1, DateTimeOffset.UnixEpoch.AddHours(1));
            await first.Output.AppendStartAsync("sample0", 2, DateTimeOffset.UnixEpoch.AddHours(2));
        }
        await using var second = await OpenAsync(dir.Path);
        Assert.Equal(2, second.Sweep.Ledger.Attempts(0));
        var (_, outcome) = await second.FinishAsync(Outcome(0, TrialState.Failed, lastMeasured: -1), cancelRequested: false);
        Assert.Equal(2, outcome.Attempt);
    }

    [Fact]
    public async Task A_starts_record_over_its_slack_is_compacted_into_the_new_generation()
    {
        using var dir = new TempDirectory("oc-record-compact");
        for (int generation = 1; generation <= 3; generation++)
        {
            await using var recorder = await OpenAsync(dir.Path);
            for (int i = 0; i < 5; i++) await recorder.Output.AppendStartAsync("sample1", generation * 10 + i, null);
        }
        var compacting = new SweepOutput(dir.Path, NullLogger.Instance) { CompactionSlack = 4 };
        var book = new Sweep(Plan);
        var loaded = await compacting.LoadAsync(book.Ledger, rerunUnfinished: false);
        await compacting.DisposeAsync();

        Assert.True(loaded.Compacted);
        var starts = Assert.Single(DatasetLayout.StartFiles(dir.Path));
        Assert.Equal(DatasetLayout.StartsName(compacting.Generation), Path.GetFileName(starts.Path));
        Assert.Single(File.ReadAllLines(starts.Path));
        await using var after = await OpenAsync(dir.Path);
        Assert.Equal(34, after.Sweep.Ledger.Attempts(1));
    }

    [Fact]
    public async Task Final_files_of_the_older_version_without_their_record_are_refused_not_overwritten()
    {
        using var dir = new TempDirectory("oc-record-orphan");
        // What a sweep of the version before the dataset left once its record was deleted: trials.parquet alone.
        await PartFile.WriteAsync(dir.Path, "trials.parquet", [new TrialOutcome { TrialId = "sample0", Status = "completed" }], CancellationToken.None);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(dir.Path));
        Assert.Contains("holds final Parquet files (trials.parquet, metrics.parquet) but not the record they were built from", e.Message);
        Assert.Contains(dir.Path, e.Message);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, DatasetLayout.Trials)));
    }

    static async Task<SweepRecorder> OpenAsync(string dir) =>
        (await SweepRecorder.OpenAsync(Plan, dir, rerunUnfinished: false, NullLogger.Instance)).Recorder;

    static async Task Finish(SweepRecorder recorder, int index, TrialState state)
    {
        await recorder.DeliverAsync(index, [Row(index, 0)]);
        var (verdict, _) = await recorder.FinishAsync(Outcome(index, state, lastMeasured: 0), cancelRequested: false);
        Assert.Equal(OutcomeVerdict.Taken, verdict);
    }

    static MeasurementRow Row(int trial, long step) => new() { TrialId = Plan[trial].TrialId, Step = step, TrainLoss = 1 };

    static TrialOutcome Outcome(int trial, TrialState state, long lastMeasured) => new()
    {
        TrialId = Plan[trial].TrialId, State = state, TrainedSteps = 10, WallSeconds = 1.5, FinishedAt = DateTime.UtcNow,
        LastMeasuredStep = lastMeasured,
    };
}
