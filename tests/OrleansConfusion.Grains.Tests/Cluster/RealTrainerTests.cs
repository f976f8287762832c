using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RealTrainerTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_tiny_sphere_sweep_trains_for_real_and_the_parquet_has_proper_types()
    {
        string name = Specs.UniqueName("real");
        TrainingTracker.Register(name, new FakeBehavior(0, TimeSpan.Zero) { Real = true });
        var spec = Specs.RealSphere(name, ClusterFixture.Output, widths: [16], depth: 1, seeds: [0, 1]);
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        var submission = await sweep.SubmitAsync(spec);
        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(120), "the real sweep to complete");
        Assert.Equal(2, status.Completed);

        string trials = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Trials);
        string metrics = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Metrics);
        // One measurement before training and one after each epoch.
        Assert.Equal(2 * 3, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}')"));
        Assert.Equal(0, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}') WHERE paper_min_cosine NOT BETWEEN -1 AND 1 OR eta < 0 OR len(paper_histogram) <> 10"));
        Assert.Equal(2, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE parameter_count > 0 AND final_loss IS NOT NULL"));

        var t = DuckDb.Describe(trials);
        Assert.Equal("VARCHAR", t["trial_id"]);
        Assert.Equal("INTEGER", t["width"]);
        Assert.Equal("BIGINT", t["seed"]);
        Assert.Equal("DOUBLE", t["final_loss"]);
        Assert.Equal("BIGINT", t["steps_to_target_loss"]);
        Assert.Equal("BOOLEAN", t["batch_norm"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", t["finished_at"]);
        var m = DuckDb.Describe(metrics);
        Assert.Equal("BIGINT", m["step"]);
        Assert.Equal("INTEGER", m["epoch"]);
        Assert.Equal("BIGINT[]", m["paper_histogram"]);
        Assert.Equal("BIGINT[]", m["per_sample_histogram"]);
        Assert.Equal("DOUBLE", m["eta"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", m["recorded_at"]);

        // The documented schema is the written one, column for column.
        Assert.Equal(SweepOutputSchema.TrialColumns.Select(c => c.Name), t.Keys);
        Assert.Equal(SweepOutputSchema.MeasurementColumns.Select(c => c.Name), m.Keys);
    }
}
