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

        string dir = submission.OutputDirectory;
        Assert.True(DatasetLayout.Segments(dir, DatasetLayout.Metrics).Any(s => s.Generation == 1), $"no first-generation record in {dir}/record");

        // A resubmit stores the state: that write meets the conflict. The activation must not overwrite, so the call fails.
        var refused = ProcessWideGrainStorage.ConflictOnNextWrite("sweep", name);
        var failed = await Assert.ThrowsAnyAsync<Exception>(() => sweep.SubmitAsync(spec));
        Assert.True(refused.IsCompleted, $"the resubmit failed, but not on the state write: {failed}");
        // From here on the fenced activation may not append a row (calls to it are serialised, so none is in flight).
        long measurementRows = Generation1Rows(dir, DatasetLayout.Metrics), trialRows = Generation1Rows(dir, DatasetLayout.Trials);

        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(90), "a new activation to finish the sweep");
        Assert.Equal(2, status.Completed);
        // The next activation sealed generation 1's record as generation 1's parts, with no row added.
        Assert.True(status.Completed == 2, System.Text.Json.JsonSerializer.Serialize(status) + string.Join(",", Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories)));
        Assert.Equal(trialRows, Generation1Rows(dir, DatasetLayout.Trials));
        // The rows after the conflict went to the activation that took over, in its own generation's files.
        Assert.True(DatasetLayout.Parts(dir, DatasetLayout.Metrics).Any(p => p.Generation > 1),
            $"no later generation took the sweep over: {string.Join(", ", DatasetLayout.Parts(dir, DatasetLayout.Metrics).Select(p => Path.GetFileName(p.Path)))}");
        Assert.True(measurementRows < 2 * 30, $"the first generation recorded all {measurementRows} rows: the conflict came too late to test anything");

        string metrics = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Metrics);
        string trials = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Trials);
        Assert.Equal(2 * 30, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}')"));
        Assert.Equal(2 * 30, DuckDb.Scalar<long>($"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
        Assert.Equal(2, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
    }

    /// <summary>
    /// The rows generation 1 wrote of <paramref name="kind"/>: per sequence number, its sealed part's rows, or (not sealed
    /// yet) its record segment's lines. A segment being sealed right now is counted once, as its part.
    /// </summary>
    static long Generation1Rows(string dir, string kind)
    {
        var parts = DatasetLayout.Parts(dir, kind).Where(p => p.Generation == 1).ToDictionary(p => p.Sequence);
        long rows = parts.Values.Sum(p => DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{p.Path}')"));
        foreach (var segment in DatasetLayout.Segments(dir, kind).Where(s => s.Generation == 1 && !parts.ContainsKey(s.Sequence)))
            if (File.Exists(segment.Path)) rows += File.ReadLines(segment.Path).Count(l => l.Length > 0);
        return rows;
    }
}
