using System.Globalization;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// README claims about what a real sweep writes, read back with DuckDB: the all-pairs paper protocol's statistics
/// reach metrics.parquet as the engine measures them, and a trial trained beside its twin in the same process writes
/// the same bits.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RealSweepOutputTests(ClusterFixture fixture)
{
    [Fact]
    public async Task All_pairs_statistics_reach_metrics_parquet_as_the_engine_measures_them()
    {
        const int batches = 6;
        string name = Specs.UniqueName("allpairs");
        TrainingTracker.Register(name, new FakeBehavior(0, TimeSpan.Zero) { Real = true });
        var spec = Specs.RealSphere(name, ClusterFixture.Output, widths: [16], depth: 1, seeds: [0, 1]);
        // Fused (the default for MLPs): the two seeds train as one batched model, so the fused all-pairs path is the one written.
        spec = spec with { FuseSeeds = true, Measurement = spec.Measurement with { PaperBatches = batches } };
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        var submission = await sweep.SubmitAsync(spec);
        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(120), "the all-pairs sweep to complete");
        Assert.Equal(2, status.Completed);
        string metrics = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Metrics);

        foreach (var trial in SweepPlanner.Plan(spec).Trials)
        {
            // The same trial in the engine alone, in this process: the reference for every all-pairs column.
            var config = TrialConfigMapper.ToConfig(trial);
            using var data = DatasetLoader.Load(config.Dataset);
            var expected = new List<MeasurementRecord>();
            var result = TrialRunner.Run(config, data, new TrialRunContext { OnMeasurement = expected.Add });
            Assert.Equal(TrialOutcomeStatus.Completed, result.Status);

            var rows = DuckDb.Rows(
                $"SELECT step, paper_allpairs_batches, paper_allpairs_pairs, paper_allpairs_min_cosine, paper_allpairs_p05_cosine, " +
                $"paper_allpairs_median_cosine, paper_allpairs_mean_cosine, paper_allpairs_fraction_negative, " +
                $"array_to_string(paper_allpairs_histogram, ','), paper_allpairs_seconds, paper_mean_cosine " +
                $"FROM read_parquet('{metrics}') WHERE trial_id = '{trial.TrialId}' ORDER BY step");
            Assert.Equal(expected.Select(r => r.Step.ToString(CultureInfo.InvariantCulture)), rows.Select(r => r[0]));
            for (int i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                var all = expected[i].PaperAllPairs ?? throw new InvalidOperationException($"the engine measured no all-pairs statistics at step {expected[i].Step}");
                string at = $"{trial.TrialId} step {row[0]}";
                Assert.True(row[1] == batches.ToString(CultureInfo.InvariantCulture), $"{at}: paper_allpairs_batches '{row[1]}'");
                Assert.True(row[2] == (batches * (batches - 1) / 2).ToString(CultureInfo.InvariantCulture), $"{at}: paper_allpairs_pairs '{row[2]}'");
                // Cosines are bounded by 1: compared at that scale (fused against unfused roundoff is about 1e-7).
                double[] written = [.. row[3..8].Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
                double[] measured = [all.Min, all.P05, all.Median, all.Mean, all.FractionNegative];
                for (int k = 0; k < written.Length; k++)
                    Assert.True(Math.Abs(written[k] - measured[k]) <= 1e-4, $"{at}: column {k + 3} is {written[k]}, the engine measured {measured[k]}");
                Assert.Equal(string.Join(',', all.Histogram), row[8]);
                Assert.Equal(batches * (batches - 1) / 2, all.Histogram.Sum());
                Assert.True(double.Parse(row[9], CultureInfo.InvariantCulture) > 0, $"{at}: paper_allpairs_seconds {row[9]}");
                // Not the random-pairs statistics under the all-pairs names.
                Assert.True(Math.Abs(double.Parse(row[10], CultureInfo.InvariantCulture) - expected[i].Paper!.Mean) <= 1e-4, $"{at}: paper_mean_cosine");
            }
        }
    }

    [Fact]
    public async Task The_same_trial_trained_side_by_side_in_one_process_writes_the_same_bits()
    {
        // Two sweeps of one trial each, the same configuration and seed (trial ids do not depend on the sweep's name),
        // submitted together, so their trials train at the same time in two slots of this one process.
        string[] names = [Specs.UniqueName("twin-a"), Specs.UniqueName("twin-b")];
        var specs = names.Select(n =>
        {
            var spec = Specs.RealSphere(n, ClusterFixture.Output, widths: [128], depth: 2, seeds: [7]);
            return spec with { FuseSeeds = false, Training = spec.Training with { Epochs = 12 } };
        }).ToList();
        foreach (string n in names) TrainingTracker.Register(n, new FakeBehavior(0, TimeSpan.Zero) { Real = true });
        var sweeps = names.Select(n => fixture.Client.GetGrain<ISweepCoordinatorGrain>(n)).ToList();
        var submissions = await Task.WhenAll(sweeps.Select((s, i) => s.SubmitAsync(specs[i])));
        foreach (var sweep in sweeps)
            Assert.Equal(1, (await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(180), "a twin to complete")).Completed);

        string[] trials = [.. submissions.Select(s => DatasetFiles.Glob(s.OutputDirectory, DatasetLayout.Trials))];
        string[] metrics = [.. submissions.Select(s => DatasetFiles.Glob(s.OutputDirectory, DatasetLayout.Metrics))];
        // Side by side for real: each trained while the other did (a slot trains one trial at a time, so two slots).
        var spans = trials.Select(t => DuckDb.Rows(
            $"SELECT epoch_ms(finished_at) - wall_seconds * 1000, epoch_ms(finished_at) FROM read_parquet('{t}')").Single()
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.True(spans[0][0] < spans[1][1] && spans[1][0] < spans[0][1],
            $"the twins did not train at the same time: [{spans[0][0]:F0}, {spans[0][1]:F0}] and [{spans[1][0]:F0}, {spans[1][1]:F0}] ms");

        // Every column that is a function of the trial alone, equal bit for bit (IS NOT DISTINCT FROM: NaN = NaN, lists
        // element by element); only times differ.
        string[] times = ["wall_seconds", "recorded_at", "paper_seconds", "paper_allpairs_seconds", "per_sample_seconds", "sweep_id"];
        var columns = DuckDb.Describe(metrics[0]).Keys.Where(c => !times.Contains(c) && c is not ("trial_id" or "step")).ToList();
        Assert.Contains("eta", columns);
        string joined = $"read_parquet('{metrics[0]}') a JOIN read_parquet('{metrics[1]}') b USING (trial_id, step)";
        Assert.Equal(13, DuckDb.Scalar<long>($"SELECT count(*) FROM {joined}"));
        foreach (string c in columns)
        {
            long differ = DuckDb.Scalar<long>($"SELECT count(*) FROM {joined} WHERE a.{c} IS DISTINCT FROM b.{c}");
            Assert.True(differ == 0, $"{c} differs between the twins in {differ} of 13 rows");
        }
        Assert.Equal(1, DuckDb.Scalar<long>(
            $"SELECT count(*) FROM read_parquet('{trials[0]}') a JOIN read_parquet('{trials[1]}') b USING (trial_id) " +
            "WHERE a.final_loss = b.final_loss AND a.best_loss = b.best_loss AND a.final_accuracy = b.final_accuracy AND a.final_test_accuracy = b.final_test_accuracy"));
    }
}
