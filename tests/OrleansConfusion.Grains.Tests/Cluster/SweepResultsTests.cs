using System.Globalization;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The summary a client reads from the coordinator (`watch` on a cluster whose disk it cannot see):
/// paged, in plan order, equal to what DuckDB reads from the Parquet files, and still there once the
/// output folder is gone.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SweepResultsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Results_pages_match_the_parquet_files_and_need_no_output_folder()
    {
        string name = Specs.UniqueName("results");
        TrainingTracker.Register(name, new FakeBehavior(0, TimeSpan.Zero) { Real = true });
        var spec = new SweepSpec
        {
            Name = name,
            OutputDirectory = ClusterFixture.Output,
            Dataset = new DatasetSpec { Name = "sphere", SphereDimension = 8, SphereTrainSamples = 256, SphereTestSamples = 64, SphereClasses = 4 },
            Grid = new GridSpec { Architectures = ["mlp"], Widths = [8, 16], Depths = [1], Inits = ["he_normal"] },
            Seeds = [0, 1],
            Training = new TrainingSpec { LearningRate = 0.1, BatchSize = 32, Epochs = 2 },
            Measurement = new MeasurementSpec { PaperPairs = 4, PaperBatch = 16, PerSampleM = 8, EvalSubset = 64, HistogramBins = 10 },
        };
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        var submission = await sweep.SubmitAsync(spec);

        var early = await sweep.GetResultsAsync(0, SweepResultsPage.MaxPageSize);
        Assert.Equal(4, early.TotalTrials);
        Assert.Equal(4, early.Trials.Length);
        // The dataset's globs from the start: parts appear in them while the sweep runs.
        Assert.Equal(DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Trials), early.TrialsFile);

        await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(120), "the sweep to complete");
        var first = await sweep.GetResultsAsync(0, 3);
        var second = await sweep.GetResultsAsync(3, 3);
        var past = await sweep.GetResultsAsync(4, 3);
        Assert.Equal((4, 0, 3), (first.TotalTrials, first.Offset, first.Trials.Length));
        Assert.Equal((3, 1), (second.Offset, second.Trials.Length));
        Assert.Empty(past.Trials);
        var rows = first.Trials.Concat(second.Trials).ToList();
        Assert.Equal(rows.Count, rows.Select(r => r.TrialId).Distinct().Count());
        Assert.Equal(["w8 d1", "w8 d1", "w16 d1", "w16 d1"], rows.Select(r => string.Join(' ', r.Label.Split(' ')[1..3])));
        Assert.Equal(DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Trials), first.TrialsFile);
        Assert.Equal(DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Metrics), first.MetricsFile);
        Assert.Equal(3 * 4, first.MeasurementRows);

        // The independent reader: each trial's outcome, and its confusion at its highest step.
        var expected = DuckDb.Rows($"""
            SELECT t.trial_id, t.status, t.final_loss, t.final_accuracy, t.final_test_accuracy,
                   m.paper_min_cosine, m.per_sample_min_cosine, m.eta
            FROM read_parquet('{first.TrialsFile}') t
            JOIN (SELECT * FROM read_parquet('{first.MetricsFile}') QUALIFY step = max(step) OVER (PARTITION BY trial_id)) m USING (trial_id)
            """).ToDictionary(r => r[0]);
        Assert.Equal(4, expected.Count);
        foreach (var row in rows)
        {
            var e = expected[row.TrialId];
            Assert.Equal(e[1], row.State.ToString().ToLowerInvariant());
            Assert.Equal(Parse(e[2]), row.FinalLoss);
            Assert.Equal(Parse(e[3]), row.FinalAccuracy);
            Assert.Equal(Parse(e[4]), row.FinalTestAccuracy);
            Assert.Equal(Parse(e[5]), row.MinCosine);
            Assert.Equal(Parse(e[6]), row.PerSampleMinCosine);
            Assert.Equal(Parse(e[7]), row.Eta);
        }
        // Real training gives each trial its own numbers, so a row mixed up with another would show.
        Assert.Equal(4, rows.Select(r => r.FinalLoss).Distinct().Count());

        // A client that cannot see the silos' disk gets the same summary: it comes from the coordinator's memory.
        Directory.Delete(submission.OutputDirectory, recursive: true);
        var again = await sweep.GetResultsAsync(0, SweepResultsPage.MaxPageSize);
        Assert.Equal(rows, again.Trials);
    }

    [Fact]
    public async Task Results_of_an_unknown_sweep_are_empty_and_say_not_found()
    {
        var page = await fixture.Client.GetGrain<ISweepCoordinatorGrain>(Specs.UniqueName("nosuch")).GetResultsAsync(0, 10);
        Assert.Equal(SweepState.NotFound, page.State);
        Assert.Equal(0, page.TotalTrials);
        Assert.Empty(page.Trials);
    }

    static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
