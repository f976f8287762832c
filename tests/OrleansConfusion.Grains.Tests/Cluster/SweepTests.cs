using System.Diagnostics;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SweepTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_sweep_completes_writes_parquet_and_a_rerun_skips_finished_trials()
    {
        string name = Specs.UniqueName("complete");
        // Every training blocks at the gate until the test opens it, so no trial can finish before then.
        using var gate = new ManualResetEventSlim(false);
        TrainingTracker.Register(name, new FakeBehavior(5, TimeSpan.FromMilliseconds(150)) { Gate = gate });
        var spec = Specs.Fake(name, ClusterFixture.Output, widths: 3, seeds: 2);
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);

        // Submit returns without waiting for training: it comes back while the gate still holds every trainer. Were it
        // to wait, it could only end in Orleans' response timeout (30 s); the bound below is for a hang, not a speed.
        var submitting = sweep.SubmitAsync(spec);
        Assert.Same(submitting, await Task.WhenAny(submitting, Task.Delay(TimeSpan.FromMinutes(2))));
        var submission = await submitting;
        Assert.False(gate.IsSet);
        Assert.Equal(6, submission.Trials);
        Assert.Equal(0, submission.AlreadyFinished);
        // Trials really were sent to train, and are held at the gate: none finished.
        var tracker = TrainingTracker.For(name);
        var held = await Poll.UntilAsync(sweep, _ => Volatile.Read(ref tracker.Blocked) > 0, TimeSpan.FromSeconds(60), "a trainer to wait at the gate");
        Assert.Equal(0, held.Finished);
        gate.Set();

        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(60), "the sweep to complete");
        Assert.Equal(6, status.Completed);
        Assert.Equal(30, status.MeasurementRows);

        string trials = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Trials);
        string metrics = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Metrics);
        Assert.Equal(6, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
        Assert.Equal(30, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}')"));
        Assert.Equal(30, DuckDb.Scalar<long>($"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
        Assert.Equal(0, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE silo IS NULL OR device <> 'cpu' OR finished_at IS NULL"));

        // Rerunning the same spec: every trial is already finished, nothing is trained again.
        int startedBefore = TrainingTracker.For(name).Started;
        var again = await sweep.SubmitAsync(spec);
        Assert.Equal(6, again.AlreadyFinished);
        await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(10), "the rerun to complete");
        Assert.Equal(startedBefore, TrainingTracker.For(name).Started);
        Assert.Equal(30, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{metrics}')"));
    }

    [Fact]
    public async Task A_rerun_with_lost_grain_state_finds_finished_trials_in_the_output()
    {
        string name = Specs.UniqueName("reload");
        TrainingTracker.Register(name, new FakeBehavior(2, TimeSpan.FromMilliseconds(50)));
        var spec = Specs.Fake(name, ClusterFixture.Output, widths: 2, seeds: 1);
        await fixture.Client.GetGrain<ISweepCoordinatorGrain>(name).SubmitAsync(spec);
        await Poll.UntilAsync(fixture.Client.GetGrain<ISweepCoordinatorGrain>(name), s => s.State == SweepState.Completed, TimeSpan.FromSeconds(30), "the first run");

        // A sweep with another name but the same output directory and trials stands in for a coordinator
        // whose in-memory state is gone: it must learn what finished from the files alone.
        string output = Path.Combine(fixture.OutputRoot, name);
        string renamed = Specs.UniqueName("renamed");
        string copy = Path.Combine(fixture.OutputRoot, renamed);
        CopyDirectory(output, copy);
        TrainingTracker.Register(renamed, new FakeBehavior(2, TimeSpan.FromMilliseconds(50)));
        var submission = await fixture.Client.GetGrain<ISweepCoordinatorGrain>(renamed).SubmitAsync(spec with { Name = renamed });
        Assert.Equal(2, submission.AlreadyFinished);
        Assert.Equal(0, TrainingTracker.For(renamed).Started);
    }

    [Fact]
    public async Task Cancel_stops_running_and_queued_trials_and_still_writes_the_output()
    {
        string name = Specs.UniqueName("cancel");
        TrainingTracker.Register(name, new FakeBehavior(50, TimeSpan.FromMilliseconds(100)));
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        var submission = await sweep.SubmitAsync(Specs.Fake(name, ClusterFixture.Output, widths: 4, seeds: 2));
        await Poll.UntilAsync(sweep, s => s.ActiveTrials.Any(t => t.State == TrialState.Running && t.Step > 0), TimeSpan.FromSeconds(30), "a trial to train");

        await sweep.CancelAsync();
        var status = await Poll.UntilAsync(sweep, s => s.State == SweepState.Cancelled, TimeSpan.FromSeconds(30), "the sweep to be cancelled");
        Assert.Equal(8, status.Cancelled);
        string trials = DatasetFiles.Glob(submission.OutputDirectory, DatasetLayout.Trials);
        Assert.Equal(8, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'cancelled'"));
    }

    [Fact]
    public async Task Capacity_is_honoured_and_a_silo_without_slots_trains_nothing()
    {
        string name = Specs.UniqueName("capacity");
        TrainingTracker.Register(name, new FakeBehavior(3, TimeSpan.FromMilliseconds(150)));
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        await sweep.SubmitAsync(Specs.Fake(name, ClusterFixture.Output, widths: 5, seeds: 2));
        var seen = new List<SweepStatus>();
        await Poll.UntilAsync(sweep, s => { seen.Add(s); return s.State == SweepState.Completed; }, TimeSpan.FromSeconds(60), "the sweep to complete");

        var tracker = TrainingTracker.For(name);
        int totalSlots = fixture.ActiveSlots;
        Assert.InRange(tracker.MaxRunning, 1, totalSlots);
        // Trials prefetched onto a full silo wait there for a slot; the status counts them as queued, not running.
        Assert.All(seen, s =>
        {
            Assert.InRange(s.Running, 0, totalSlots);
            Assert.Equal(s.Running, s.ActiveTrials.Length);
            Assert.Equal(s.Total, s.Queued + s.Running + s.Finished);
        });
        foreach (var (silo, max) in tracker.MaxPerSilo)
            Assert.True(max <= ClusterFixture.SlotsBySilo[silo], $"{silo} trained {max} at once with {ClusterFixture.SlotsBySilo[silo]} slots");
        Assert.DoesNotContain(tracker.SilosUsed, s => ClusterFixture.SlotsBySilo[s] == 0);
    }

    [Fact]
    public async Task A_prefetched_trial_that_reports_training_before_the_outcome_it_replaces_is_not_counted_over_the_slots()
    {
        // On a silo, a slot thread starts the prefetched trial the moment the previous one returns, so that
        // trial's first "training" report can reach the coordinator before the previous trial's outcome.
        // Sent here by hand, for a trial still waiting behind full slots, to make the race deterministic.
        string name = Specs.UniqueName("handoff");
        TrainingTracker.Register(name, new FakeBehavior(100, TimeSpan.FromMilliseconds(200)));
        var spec = Specs.Fake(name, ClusterFixture.Output, widths: 5, seeds: 2);
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        await sweep.SubmitAsync(spec);
        int totalSlots = fixture.ActiveSlots;
        try
        {
            // A trial waiting behind a full silo, and one the coordinator counts as training there. Until the
            // first reports arrive, the coordinator's guess of which prefetched trial got the slot may be wrong.
            var (waiting, replaced) = await FindWaitingBehindFullSiloAsync(sweep, spec, totalSlots);

            await sweep.ReportProgressAsync(waiting with { State = TrialState.Running });
            var after = await sweep.GetStatusAsync();
            Assert.Equal(totalSlots, after.Running);
            Assert.Equal(after.Total, after.Queued + after.Running + after.Finished);
            Assert.DoesNotContain(after.ActiveTrials, t => t.TrialId == waiting.TrialId);

            // The outcome it was waiting for lands (sent by hand too): it takes the freed slot at once. The
            // report goes again just before, as the trial's own timer may have said "queued" since.
            var outcome = new TrialOutcome
            {
                TrialId = replaced.TrialId, State = TrialState.Completed, Attempt = replaced.Attempt, Silo = replaced.Silo, FinishedAt = DateTime.UtcNow,
            };
            await sweep.ReportProgressAsync(waiting with { State = TrialState.Running });
            await sweep.ReportOutcomeAsync(outcome, []);
            var promoted = await sweep.GetStatusAsync();
            Assert.Equal(1, promoted.Completed);
            Assert.Equal(totalSlots, promoted.Running);
            Assert.Contains(promoted.ActiveTrials, t => t.TrialId == waiting.TrialId);
        }
        finally
        {
            await sweep.CancelAsync();
        }
    }

    async Task<(TrialStatus Waiting, TrialStatus Training)> FindWaitingBehindFullSiloAsync(ISweepCoordinatorGrain sweep, SweepSpec spec, int totalSlots)
    {
        var trials = SweepPlanner.Plan(spec).Trials;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var status = await sweep.GetStatusAsync();
            var grains = await Task.WhenAll(trials.Select(t => fixture.Client.GetGrain<ITrialGrain>(t.GrainKey).GetStatusAsync()));
            var active = status.ActiveTrials.Select(t => t.TrialId).ToHashSet();
            var training = grains.Where(g => g.State == TrialState.Running && active.Contains(g.TrialId)).ToList();
            var waiting = grains.FirstOrDefault(g => g is { State: TrialState.Queued, Attempt: > 0 } && !active.Contains(g.TrialId)
                && training.Any(t => t.Silo == g.Silo));
            if (status.Running == totalSlots && waiting is not null) return (waiting, training.First(t => t.Silo == waiting.Silo));
            await Task.Delay(100);
        }
        throw new TimeoutException("no trial waited behind a full silo the coordinator saw as full");
    }

    [Fact]
    public async Task A_coordinator_that_lost_its_sweep_refuses_rows_instead_of_dropping_them()
    {
        // A trial only treats rows as delivered when the call succeeds; it keeps refused ones for later.
        var ghost = fixture.Client.GetGrain<ISweepCoordinatorGrain>(Specs.UniqueName("ghost"));
        var row = new MeasurementRow { TrialId = "t", Step = 0 };
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ghost.ReportMeasurementsAsync("t", 1, [row]));
        Assert.Contains("resubmit", refused.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ghost.ReportOutcomeAsync(new TrialOutcome { TrialId = "t", State = TrialState.Completed, Attempt = 1 }, [row]));
        Assert.Equal(SweepState.NotFound, (await ghost.GetStatusAsync()).State);
    }

    [Fact]
    public async Task Max_concurrent_trials_limits_the_sweep()
    {
        string name = Specs.UniqueName("limit");
        TrainingTracker.Register(name, new FakeBehavior(3, TimeSpan.FromMilliseconds(100)));
        var sweep = fixture.Client.GetGrain<ISweepCoordinatorGrain>(name);
        await sweep.SubmitAsync(Specs.Fake(name, ClusterFixture.Output, widths: 4, seeds: 1, maxConcurrent: 1));
        await Poll.UntilAsync(sweep, s => s.State == SweepState.Completed, TimeSpan.FromSeconds(60), "the sweep to complete");
        Assert.Equal(1, TrainingTracker.For(name).MaxRunning);
    }

    [Fact]
    public async Task An_invalid_spec_is_rejected_with_a_clear_message()
    {
        var spec = Specs.Fake("bad-spec", ClusterFixture.Output, 1, 1) with { Grid = new GridSpec { Inits = ["foo"] } };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetGrain<ISweepCoordinatorGrain>("bad-spec").SubmitAsync(spec));
        Assert.Contains("unknown init 'foo'", e.Message);
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
