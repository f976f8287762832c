using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// README, coordinator: "an etag conflict means another activation took over, and this one stops writing rather than
/// overwrite". Here one write of a running sweep's state meets an etag conflict (<see cref="ProcessWideGrainStorage"/>
/// refuses it as another activation's write would make it). The activation that met it must write nothing more: no
/// state and no record lines in its generation's files. A later activation takes the sweep over in a generation of
/// its own and finishes it with every row once. (On a write inside a grain call, as here, Orleans also deactivates an
/// activation whose call throws <c>InconsistentStateException</c>; the test holds the behaviour, whichever stops it.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FencingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task An_activation_that_meets_an_etag_conflict_stops_writing_and_a_new_one_finishes_the_sweep()
    {
        string name = Specs.UniqueName("fenced");
        // Long enough (30 x 100 ms per trial) that the trials still report rows after the conflict.
        TrainingTracker.Register(name, new FakeBehavior(30, TimeSpan.FromMilliseconds(100)));
        var spec = Specs.Fake(name, ClusterFixture.Output, widths: 2, seeds: 1);
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        var submission = await sweep.SubmitAsync(spec);
        await Poll.UntilAsync(sweep, s => s.MeasurementRows >= 2, TimeSpan.FromSeconds(60), "rows to be recorded");

        string parts = Path.Combine(submission.OutputDirectory, "parts");
        string firstMeasurements = Path.Combine(parts, "measurements-g000001.jsonl");
        string firstTrials = Path.Combine(parts, "trials-g000001.jsonl");
        Assert.True(File.Exists(firstMeasurements), $"no first-generation record in {parts}");

        // A resubmit stores the state: that write meets the conflict. The activation must not overwrite, so the call fails.
        var refused = ProcessWideGrainStorage.ConflictOnNextWrite("sweep", name);
        var failed = await Assert.ThrowsAnyAsync<Exception>(() => sweep.SubmitAsync(spec));
        Assert.True(refused.IsCompleted, $"the resubmit failed, but not on the state write: {failed}");
        // From here on the fenced activation may not append a line (calls to it are serialised, so none is in flight).
        long measurementLines = Lines(firstMeasurements), trialLines = Lines(firstTrials);

        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(90), "a new activation to finish the sweep");
        Assert.Equal(2, status.Completed);
        Assert.Equal(measurementLines, Lines(firstMeasurements));
        Assert.Equal(trialLines, Lines(firstTrials));
        // The rows after the conflict went to the activation that took over, in its own generation's files.
        Assert.True(File.Exists(Path.Combine(parts, "measurements-g000002.jsonl")), $"no second generation took the sweep over: {string.Join(", ", Directory.GetFiles(parts).Select(Path.GetFileName))}");
        Assert.True(measurementLines < 2 * 30, $"the first generation recorded all {measurementLines} rows: the conflict came too late to test anything");

        string metrics = Path.Combine(submission.OutputDirectory, "metrics.parquet");
        string trials = Path.Combine(submission.OutputDirectory, "trials.parquet");
        Assert.Equal(2 * 30, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}')"));
        Assert.Equal(2 * 30, DuckDb.Scalar<long>($"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
        Assert.Equal(2, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
    }

    static long Lines(string path) => File.Exists(path) ? File.ReadLines(path).Count(l => l.Length > 0) : 0;
}
