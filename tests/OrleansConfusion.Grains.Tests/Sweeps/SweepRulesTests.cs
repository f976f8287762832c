using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The sweep's watchdog, cancel, finish and failover rules, decided by <see cref="Sweep"/> alone. Before the sweep core
/// was split into parts (#27) only cluster tests reached these rules, through the coordinator grain.
/// </summary>
public sealed class SweepRulesTests
{
    static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    static List<TrialSpec> Plan(int trials) => [.. Enumerable.Range(0, trials).Select(i => new TrialSpec { SweepId = "s", TrialId = $"t{i}", Seed = i })];

    static TrialOutcome Outcome(Dispatched d, TrialState state = TrialState.Completed) =>
        new() { TrialId = d.Spec.TrialId, State = state, Attempt = d.Token, Silo = d.Silo, LastMeasuredStep = -1 };

    static OutcomeVerdict Finish(Sweep sweep, TrialOutcome outcome, bool cancel = false)
    {
        var verdict = sweep.Judge(ref outcome, cancel);
        if (verdict == OutcomeVerdict.Taken) sweep.Commit(outcome);
        return verdict;
    }

    [Fact]
    public void The_sweep_ends_only_when_every_trial_is_finished()
    {
        var sweep = new Sweep(Plan(3));
        Assert.Equal(SweepEnd.NotYet, sweep.NextEnd(cancelRequested: false));
        var sent = sweep.Dispatch([new("a", 3)], 0, 0, T0);
        Finish(sweep, Outcome(sent[0]));
        Finish(sweep, Outcome(sent[1], TrialState.Diverged));
        Assert.Equal(SweepEnd.NotYet, sweep.NextEnd(cancelRequested: false));
        Finish(sweep, Outcome(sent[2], TrialState.Failed));
        Assert.Equal(SweepEnd.Finish, sweep.NextEnd(cancelRequested: false));
    }

    [Fact]
    public void A_cancel_ends_the_queue_at_once_and_the_sweep_once_running_trials_answer()
    {
        var plan = Plan(5);
        // Two fuse groups of two, then a trial alone.
        var sweep = new Sweep(plan, [0, 0, 2, 2, 4]);
        var sent = sweep.Dispatch([new("a", 2)], 0, 0, T0);
        Assert.Equal(4, sent.Count);

        Assert.Equal(SweepEnd.CancelQueued, sweep.NextEnd(cancelRequested: true));
        var cancelled = sweep.CancelQueued("cancelled before it started", T0);
        Assert.Equal(["t4"], cancelled.Select(o => o.TrialId));
        Assert.All(cancelled, o => Assert.Equal((TrialState.Cancelled, "cancelled before it started"), (o.State, o.Error)));
        // One cancel call per unit: a fuse group's grain stops all its seeds.
        Assert.Equal([[0, 1], [2, 3]], sweep.RunningUnits().Select(u => u.Members.ToArray()).OrderBy(m => m[0]));
        Assert.Equal(SweepEnd.NotYet, sweep.NextEnd(cancelRequested: true));

        // The running trials answer with their cancelled outcomes, which now count.
        foreach (var d in sent) Assert.Equal(OutcomeVerdict.Taken, Finish(sweep, Outcome(d, TrialState.Cancelled), cancel: true));
        Assert.Equal(SweepEnd.Finish, sweep.NextEnd(cancelRequested: true));
        Assert.Empty(sweep.Dispatch([new("a", 2)], 0, 0, T0));
    }

    [Fact]
    public void After_a_cancel_the_watchdog_s_re_queued_trials_end_as_cancelled_rather_than_wait_for_an_answer()
    {
        var sweep = new Sweep(Plan(2));
        sweep.Dispatch([new("a", 2)], 0, 0, T0);
        Assert.Empty(sweep.CancelQueued("cancelled", T0));
        // Their silo dies before they answer the cancel.
        Assert.Equal(2, sweep.Watchdog(s => s != "a", DateTimeOffset.MinValue).Count);
        Assert.Equal(SweepEnd.CancelQueued, sweep.NextEnd(cancelRequested: true));
        Assert.Equal(2, sweep.CancelQueued("cancelled", T0).Count);
        Assert.Equal(SweepEnd.Finish, sweep.NextEnd(cancelRequested: true));
    }

    [Fact]
    public void The_watchdog_takes_back_trials_of_lost_silos_and_silent_trials_and_says_which_is_which()
    {
        var sweep = new Sweep(Plan(4));
        var sent = sweep.Dispatch([new("a", 2), new("b", 2)], 0, 0, T0);
        var onB = sent.Where(d => d.Silo == "b").ToList();
        // One trial on b keeps reporting; the other went quiet.
        sweep.OnProgress(new TrialStatus { TrialId = onB[0].Spec.TrialId, State = TrialState.Running, Attempt = onB[0].Token, Silo = "b" }, _ => 2, T0.AddSeconds(30));

        var lost = sweep.Watchdog(silo => silo != "a", silentSince: T0.AddSeconds(10));
        Assert.Equal(sent.Where(d => d.Silo == "a").Select(d => (d.Index, (string?)"a")).Order(), lost.Where(l => l.Silo is not null).Select(l => (l.Index, l.Silo)).Order());
        Assert.Equal([onB[1].Index], lost.Where(l => l.Silo is null).Select(l => l.Index));
        Assert.Equal("went silent", lost.Single(l => l.Silo is null).Why);
        Assert.Equal((3, 1), (sweep.Ledger.CountOf(TrialState.Queued), sweep.Ledger.CountOf(TrialState.Running)));
        // Nothing more to take back on a second pass.
        Assert.Empty(sweep.Watchdog(silo => silo != "a", silentSince: T0.AddSeconds(10)));
    }

    [Fact]
    public void A_re_driven_trial_resumes_from_the_rows_held_and_its_new_dispatch_carries_a_new_token()
    {
        var sweep = new Sweep(Plan(1));
        var first = Assert.Single(sweep.Dispatch([new("a", 1)], 0, 0, T0));
        sweep.Ledger.Delivered(0, sweep.Ledger.TakeNewRows(0, [new MeasurementRow { TrialId = "t0", Step = 0 }, new MeasurementRow { TrialId = "t0", Step = 16 }]));
        sweep.Watchdog(_ => false, DateTimeOffset.MinValue);

        var second = Assert.Single(sweep.Dispatch([new("b", 1)], 0, 0, T0));
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(16, sweep.Ledger.DeliveredThrough(second.Index));
        // The old dispatch's outcome still counts (trials are deterministic) and ends the new one too.
        Assert.Equal(OutcomeVerdict.Taken, Finish(sweep, Outcome(first) with { LastMeasuredStep = 16 }));
        Assert.Empty(sweep.Board.Running);
    }

    [Fact]
    public void A_failed_over_coordinator_rebuilds_the_sweep_from_its_record_and_re_drives_what_it_cannot_prove()
    {
        // What the old activation recorded: t0 completed with its rows, t1 completed but its last row never landed,
        // t2 failed, t3 only started.
        var ledger = new Sweep(Plan(4));
        var restored = ledger.Ledger;
        restored.RestoreDelivered(0, new MeasurementRow { TrialId = "t0", Step = 8 });
        restored.RestoreOutcome(0, new TrialOutcome { TrialId = "t0", State = TrialState.Completed, Attempt = 1, LastMeasuredStep = 8 }, rerunUnfinished: false);
        restored.RestoreDelivered(1, new MeasurementRow { TrialId = "t1", Step = 8 });
        restored.RestoreOutcome(1, new TrialOutcome { TrialId = "t1", State = TrialState.Completed, Attempt = 1, LastMeasuredStep = 16 }, rerunUnfinished: false);
        restored.RestoreOutcome(2, new TrialOutcome { TrialId = "t2", State = TrialState.Failed, Attempt = 2 }, rerunUnfinished: false);
        restored.RestoreAttempts(3, 1, T0);

        Assert.Equal([TrialState.Completed, TrialState.Queued, TrialState.Failed, TrialState.Queued], Enumerable.Range(0, 4).Select(restored.State));
        // Dispatch goes on with what is unproven; t1 resumes after its held step 8.
        var sent = ledger.Dispatch([new("a", 4)], 0, 0, T0);
        Assert.Equal(["t1", "t3"], sent.Select(d => d.Spec.TrialId));
        Assert.Equal(8, restored.DeliveredThrough(1));
        // A resubmit re-opens the failed one.
        ledger.RequeueUnfinished();
        Assert.Equal(["t2"], ledger.Dispatch([new("a", 4)], 0, 0, T0).Select(d => d.Spec.TrialId));
    }

    [Fact]
    public void Status_counts_a_prefetched_trial_as_queued_until_it_trains()
    {
        var sweep = new Sweep(Plan(3));
        var sent = sweep.Dispatch([new("a", 1)], 0, prefetchPerSilo: 1, T0);
        Assert.Equal([false, true], sent.Select(d => d.WaitsForSlot));
        var status = sweep.Status(new SweepStatus { SweepId = "s", State = SweepState.Running });
        Assert.Equal(("s", 3, 2, 1), (status.SweepId, status.Total, status.Queued, status.Running));
        Assert.Equal("t0", Assert.Single(status.ActiveTrials).TrialId);
    }

    [Fact]
    public async Task A_status_feed_wakes_watchers_only_past_what_they_saw()
    {
        var feed = new StatusFeed();
        long seen = feed.Version;
        var waiting = feed.WaitPastAsync(seen, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        feed.Changed();
        feed.Changed();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        // Two changes, one wake-up: a watcher that was away sees the newest state, not each one.
        Assert.True(feed.WaitPastAsync(seen, CancellationToken.None).IsCompleted);
        Assert.False(feed.WaitPastAsync(feed.Version, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_watcher_gets_the_newest_status_again_after_the_keep_alive_and_the_end_once()
    {
        var feed = new StatusFeed();
        var state = SweepState.Running;
        int finished = 0;
        SweepStatus Status() => new() { SweepId = "s", State = state, Total = 2, Completed = finished };
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var statuses = feed.FollowAsync(Status, TimeSpan.Zero, TimeSpan.FromMilliseconds(200), limit.Token).GetAsyncEnumerator(limit.Token);

        Assert.True(await statuses.MoveNextAsync());
        // Nothing changes, and the watcher still hears from the sweep: the same status, after the keep-alive.
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await statuses.MoveNextAsync());
        Assert.True(quiet.Elapsed >= TimeSpan.FromMilliseconds(150), $"resent after {quiet.Elapsed}, before the keep-alive");
        Assert.Equal((SweepState.Running, 0), (statuses.Current.State, statuses.Current.Completed));

        finished = 2;
        state = SweepState.Completed;
        feed.Changed();
        Assert.True(await statuses.MoveNextAsync());
        Assert.Equal((SweepState.Completed, 2), (statuses.Current.State, statuses.Current.Completed));
        Assert.False(await statuses.MoveNextAsync());
    }

    [Fact]
    public void A_trial_whose_start_keeps_failing_ends_failed_after_MaxStartFailures_in_a_row()
    {
        var sweep = new Sweep(Plan(1));
        void Fail(bool answerFirst = false)
        {
            var d = Assert.Single(sweep.Dispatch([new("a", 1)], 0, 0, T0));
            if (answerFirst) sweep.OnProgress(new TrialStatus { TrialId = "t0", State = TrialState.Queued, Attempt = d.Token, Silo = "a" }, _ => 1, T0);
            Assert.True(sweep.StartFailed(d.Index, d.Token, "OrleansException: no silo"));
        }
        for (int i = 1; i < Sweep.MaxStartFailures; i++) Fail();
        // A start that answered (the trial reported) breaks the run of failures.
        Fail(answerFirst: true);
        for (int i = 2; i < Sweep.MaxStartFailures; i++) Fail();
        Assert.Equal(TrialState.Queued, sweep.Ledger.State(0));
        Assert.Empty(sweep.Decided);

        Fail();
        var failed = Assert.Single(sweep.Decided);
        Assert.Equal((TrialState.Failed, "its start failed 5 times in a row; last: OrleansException: no silo"), (failed.State, failed.Error));
        Assert.Equal(TrialState.Failed, sweep.Ledger.State(0));
        Assert.Equal(SweepEnd.Finish, sweep.NextEnd(cancelRequested: false));
        Assert.Empty(sweep.Dispatch([new("a", 1)], 0, 0, T0));
    }
}
