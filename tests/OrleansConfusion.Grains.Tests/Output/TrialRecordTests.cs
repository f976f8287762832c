using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The output's records as a restarted coordinator reads them: torn lines skipped, outcomes taken only with their
/// rows, attempts never repeated, each generation in files of its own, and a long trial record compacted.
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
            await File.AppendAllTextAsync(first.Output.TrialRecordPath, "{\"trial_id\":\"sample2\",\"atte"); // killed mid-append
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
        foreach (string file in Directory.GetFiles(Path.Combine(dir.Path, "parts"), "measurements-*")) File.Delete(file);

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
    public async Task A_trial_record_over_its_slack_is_compacted_into_the_new_generation()
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
        Assert.Equal([Path.GetFileName(compacting.TrialRecordPath)], Directory.GetFiles(compacting.PartsDirectory, "trials-*").Select(Path.GetFileName));
        Assert.Single(File.ReadAllLines(compacting.TrialRecordPath));
        await using var after = await OpenAsync(dir.Path);
        Assert.Equal(34, after.Sweep.Ledger.Attempts(1));
    }

    [Fact]
    public async Task Final_files_without_their_record_are_refused_not_overwritten()
    {
        using var dir = new TempDirectory("oc-record-orphan");
        await using (var recorder = await OpenAsync(dir.Path))
        {
            for (int i = 0; i < Plan.Count; i++) await Finish(recorder, i, TrialState.Completed);
            await recorder.WriteFinalAsync();
        }
        Directory.Delete(Path.Combine(dir.Path, "parts"), recursive: true);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(dir.Path));
        Assert.Contains("holds final Parquet files but not the record", e.Message);
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
        TrialId = Plan[trial].TrialId, State = state, Steps = 10, FinalLoss = double.NaN, WallSeconds = 1.5, FinishedAt = DateTimeOffset.UtcNow,
        LastMeasuredStep = lastMeasured,
    };
}
