using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// A trial's warning that reaches the coordinator after its sweep ended (a retry that was still in flight) lands in the
/// ended dataset's logs/ at once, not in a record segment that no timer would seal.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LateLogTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_log_line_after_the_sweeps_end_is_sealed_into_the_dataset_at_once()
    {
        string name = Specs.UniqueName("late-log");
        TrainingTracker.Register(name, new FakeBehavior(3, TimeSpan.FromMilliseconds(20)));
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        var submission = await sweep.SubmitAsync(Specs.Fake(name, ClusterFixture.Output, widths: 2, seeds: 1));
        await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(60), "the sweep to end");
        string dir = submission.OutputDirectory;
        Assert.Empty(DatasetLayout.Segments(dir, DatasetLayout.Logs));

        string trialId = (await sweep.GetResultsAsync(0, 1)).Trials[0].TrialId;
        await sweep.ReportLogsAsync([new TrialLogRow { TrialId = trialId, Attempt = 1, Level = "warning", Message = "late: could not report (try 3)", At = DateTime.UtcNow }]);

        Assert.Empty(DatasetLayout.Segments(dir, DatasetLayout.Logs));
        string logs = DatasetFiles.Glob(dir, DatasetLayout.Logs);
        Assert.Equal(1L, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{logs}') WHERE message = 'late: could not report (try 3)' AND trial_id = '{trialId}'"));
    }
}
