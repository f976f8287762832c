using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// Seed fusion through the cluster: a configuration's seeds go to one grain and one slot, and everything the
/// coordinator and the output see stays per trial.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FusedSweepTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_configurations_seeds_train_as_one_group_in_one_slot_and_every_seed_keeps_its_rows()
    {
        string name = Specs.UniqueName("fused");
        TrainingTracker.Register(name, new FakeBehavior(4, TimeSpan.FromMilliseconds(40)));
        var spec = Specs.Fake(name, ClusterFixture.Output, widths: 4, seeds: 3, fuse: true);
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        var submission = await sweep.SubmitAsync(spec);
        Assert.Equal(12, submission.Trials);
        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(60), "the fused sweep to complete");
        Assert.Equal(12, status.Completed);

        var tracker = TrainingTracker.For(name);
        var plan = SweepPlanner.Plan(spec).Trials;
        // One group per width, each of its three seeds, in plan order.
        var groups = tracker.FusedGroups.Select(g => string.Join(",", g)).Order().ToList();
        var expected = plan.Chunk(3).Select(c => string.Join(",", c.Select(t => t.TrialId))).Order().ToList();
        Assert.Equal(expected, groups);
        // A slot trains one group at a time, never more groups than the silo has slots.
        foreach (var (silo, max) in tracker.MaxPerSilo)
            Assert.True(max <= ClusterFixture.SlotsBySilo[silo], $"{silo} trained {max} groups at once with {ClusterFixture.SlotsBySilo[silo]} slots");

        string trials = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Trials);
        string metrics = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Metrics);
        // Unchanged output: one trial row per seed with the planned ids, and each seed's own rows, once.
        Assert.Equal(plan.Select(t => t.TrialId).Order(), DuckDb.Rows($"SELECT trial_id FROM read_parquet('{trials}') ORDER BY trial_id").Select(r => r[0]));
        Assert.Equal(12 * 4, DuckDb.Scalar<long>($"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
        Assert.Equal(12 * 4, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}')"));
        Assert.Equal(0, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE attempt <> 1"));
    }

    [Fact]
    public async Task Cancelling_a_fused_sweep_cancels_its_groups()
    {
        string name = Specs.UniqueName("fusedcancel");
        TrainingTracker.Register(name, new FakeBehavior(200, TimeSpan.FromMilliseconds(50)));
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        await sweep.SubmitAsync(Specs.Fake(name, ClusterFixture.Output, widths: 3, seeds: 2, fuse: true));
        await Poll.UntilAsync(sweep, s => s.ActiveTrials.Any(t => t.Step > 0), TimeSpan.FromSeconds(30), "a fused trial to train");

        await sweep.CancelAsync();
        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Cancelled, TimeSpan.FromSeconds(30), "the fused sweep to be cancelled");
        Assert.Equal(6, status.Cancelled + status.Completed);
        Assert.True(status.Cancelled > 0);
    }

    /// <summary>
    /// Every compared column of metrics.parquet with the scale its difference is taken against, the rules of the engine's
    /// FusedTrialRunnerTests.Compare: losses relative to themselves; accuracies, cosines and fractions, bounded by 1,
    /// relative to max(|value|, 1); η relative to max(|η|, grad_norm_max²), since Gram entries are products of two
    /// per-sample gradients; gradient norms relative to max(|norm|, grad_norm_max). A cosine or η near 0 carries the
    /// roundoff of its scale whole, so its own magnitude (with a 1e-12 floor, as before) asked for bitwise equality.
    /// </summary>
    static readonly (string Column, string Scale)[] ComparedColumns =
    [
        ("learning_rate", "abs(a.learning_rate)"),
        ("train_loss", "abs(a.train_loss)"), ("test_loss", "abs(a.test_loss)"), ("sgd_loss", "abs(a.sgd_loss)"),
        ("train_accuracy", "1"), ("test_accuracy", "1"),
        ("paper_min_cosine", "1"), ("paper_p05_cosine", "1"), ("paper_median_cosine", "1"), ("paper_mean_cosine", "1"), ("paper_fraction_negative", "1"),
        ("per_sample_min_cosine", "1"), ("per_sample_p05_cosine", "1"), ("per_sample_median_cosine", "1"), ("per_sample_mean_cosine", "1"),
        ("per_sample_fraction_negative", "1"),
        ("eta", "a.grad_norm_max * a.grad_norm_max"),
        ("grad_norm_min", "a.grad_norm_max"), ("grad_norm_median", "a.grad_norm_max"), ("grad_norm_mean", "a.grad_norm_max"), ("grad_norm_max", "a.grad_norm_max"),
    ];

    [Fact]
    public async Task Fused_and_unfused_real_sweeps_write_the_same_rows()
    {
        var results = new Dictionary<bool, string>();
        foreach (bool fuse in new[] { true, false })
        {
            string name = Specs.UniqueName(fuse ? "realfused" : "realalone");
            TrainingTracker.Register(name, new FakeBehavior(0, TimeSpan.Zero) { Real = true });
            // Width 16 trains batched; 256 is past CpuFusionMaxWidth (128), so its group trains seed after seed on CPU.
            // Far from the edge of divergence, so fused and unfused agree to roundoff whichever kernels run. Measured
            // with the engine alone (2026-12-08, seeds 0-5, both widths): at this spec's lr 0.1 fused and unfused rows
            // differ by at most 2.3e-7 at the scales below, and a run whose lr is nudged by 1e-6 differs by at most 6e-7,
            // so roundoff is not amplified; at 3x the lr still at most 7.5e-7; amplification starts near 10x (5e-3 at lr 1
            // for one width-256 seed). Every trial completes at all of these rates.
            var spec = Specs.RealSphere(name, ClusterFixture.Output, widths: [16, 256], depth: 2, seeds: [0, 1, 2]) with { FuseSeeds = fuse };
            var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
            var submission = await sweep.SubmitAsync(spec);
            var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(180), "the real sweep to complete");
            Assert.Equal(6, status.Completed);
            results[fuse] = submission.OutputDirectory;
        }

        // Trial ids do not depend on the sweep's name, so the two sweeps' rows pair up by (trial_id, step).
        string fused = DatasetFiles.Glob(results[true], DatasetLayout.Metrics), alone = DatasetFiles.Glob(results[false], DatasetLayout.Metrics);
        string joined = $"read_parquet('{fused}') f JOIN read_parquet('{alone}') a USING (trial_id, step)";
        Assert.Equal(6 * 3, DuckDb.Scalar<long>($"SELECT count(*) FROM {joined}"));
        foreach (var (c, scale) in ComparedColumns)
        {
            // Finite on both sides or on neither, and then the same value (NaN: sgd_loss before the first step).
            long mismatched = DuckDb.Scalar<long>(
                $"SELECT count(*) FROM {joined} WHERE (NOT isfinite(f.{c}) OR NOT isfinite(a.{c}) OR f.{c} IS NULL OR a.{c} IS NULL) AND f.{c}::VARCHAR IS DISTINCT FROM a.{c}::VARCHAR");
            Assert.True(mismatched == 0, $"{c}: {mismatched} rows are non-finite or null on one side only, or differ there");
            double diff = DuckDb.Scalar<double>(
                $"SELECT coalesce(max(abs(f.{c} - a.{c}) / greatest(abs(a.{c}), {scale}, 1e-12)), 0) FROM {joined} WHERE isfinite(f.{c}) AND isfinite(a.{c})");
            Assert.True(diff <= 1e-4, $"{c}: fused and unfused rows differ by {diff:G3} of the column's scale ({scale})");
        }
        // Every compared column was finite somewhere, so the comparison above compared numbers.
        Assert.Equal(0, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{alone}') WHERE NOT isfinite(eta) OR NOT isfinite(train_loss) OR NOT isfinite(paper_mean_cosine)"));
        string t1 = DatasetFiles.Glob(results[true], DatasetLayout.Trials), t2 = DatasetFiles.Glob(results[false], DatasetLayout.Trials);
        Assert.Equal(6, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{t1}') f JOIN read_parquet('{t2}') a USING (trial_id) WHERE f.status = a.status AND f.parameter_count = a.parameter_count"));
    }

    [Theory]
    [InlineData("cpu", 16, true)]
    [InlineData("cpu", 128, true)]
    [InlineData("cpu", 256, false)]
    [InlineData("cuda", 4096, true)]
    public void A_fuse_group_batches_except_wide_mlps_on_cpu(string device, int width, bool batched) =>
        Assert.Equal(batched, TorchTrialTrainer.BatchesOn(device, width, new Engine.Configuration.TorchRuntimeOptions()));
}
