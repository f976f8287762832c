using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SiloFailureTests(ClusterFixture fixture)
{
    /// <summary>Alone, and as fuse groups (a width's two seeds in one grain and one slot): the guarantees hold per seed.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_silo_killed_mid_sweep_loses_no_trial_and_duplicates_no_row(bool fuse)
    {
        string name = Specs.UniqueName(fuse ? "killfused" : "kill");
        TrainingTracker.Register(name, new FakeBehavior(6, TimeSpan.FromMilliseconds(300)));
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        await sweep.GetStatusAsync(); // activate the coordinator on one of the original silos

        // A fourth silo (2 slots) joins and is killed while it trains; the shared cluster keeps its three.
        var victim = await fixture.Cluster.StartAdditionalSiloAsync();
        await fixture.Cluster.WaitForLivenessToStabilizeAsync();
        var submission = await sweep.SubmitAsync(Specs.Fake(name, ClusterFixture.Output, widths: 4, seeds: 2, fuse: fuse));
        var training = await Poll.UntilAsync(sweep, s => s.ActiveTrials.Any(t => t.Silo == victim.Name && t.State == TrialState.Running && t.Step > 0),
            TimeSpan.FromSeconds(30), $"a trial to train on {victim.Name}");
        // A trial reports its rows before its progress, so the coordinator held at least step 0 of this one.
        var lost = training.ActiveTrials.First(t => t.Silo == victim.Name && t.Step > 0);

        await fixture.Cluster.KillSiloAsync(victim);
        // The next test in this shared cluster must not be dispatched to the dead silo while the membership still lists
        // it (its trials would wait out a call timeout): this one waits until the membership has dropped it.
        await fixture.Cluster.WaitForLivenessToStabilizeAsync();

        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(120), "the sweep to complete after the kill");
        Assert.True(status.Completed == 8, System.Text.Json.JsonSerializer.Serialize(status));
        string trials = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Trials);
        string metrics = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Metrics);
        Assert.Equal(8, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
        Assert.True(DuckDb.Scalar<long>($"SELECT max(attempt) FROM read_parquet('{trials}')") >= 2, "some trial should have been re-driven");
        Assert.Equal(8 * 6, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}')"));
        Assert.Equal(8 * 6, DuckDb.Scalar<long>($"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
        // Its re-drive was told what the coordinator already held, which bounds the checkpoint it may resume from.
        // (Keyed by dispatch: the trainer sees the coordinator's dispatch token, which only grows.)
        var resumes = TrainingTracker.For(name).ResumeThrough.Where(r => r.Key.Trial == lost.TrialId).OrderBy(r => r.Key.Attempt).Select(r => r.Value).ToList();
        Assert.Equal(-1, resumes[0]);
        Assert.True(resumes.Count >= 2 && resumes[^1] >= 0, $"the re-drive should resume past the held rows: {string.Join(", ", resumes)}");
        // Two real starts of training, not one per dispatch.
        Assert.Equal(2L, DuckDb.Scalar<long>($"SELECT attempt FROM read_parquet('{trials}') WHERE trial_id = '{lost.TrialId}'"));
    }
}
