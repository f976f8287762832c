using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>The trial book's rules, without Orleans: dispatch order and capacity, attempts, rows, outcomes, lost silos.</summary>
public sealed class SweepDecisionTests
{
    static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    static Sweep Book(int trials) =>
        new(Enumerable.Range(0, trials).Select(i => new TrialSpec { SweepId = "s", TrialId = $"t{i}" }).ToList());

    static List<Dispatched> Dispatch(Sweep book, int maxConcurrent = 0, int prefetch = 0, params SiloSlots[] silos) =>
        book.Dispatch(silos.Length > 0 ? silos : [new("a", 2)], maxConcurrent, prefetch, T0);

    static TrialStatus Training(Dispatched d, long step = 1) =>
        new() { TrialId = d.Spec.TrialId, State = TrialState.Running, Attempt = d.Token, Silo = d.Silo, Step = step };

    static TrialOutcome Outcome(Dispatched d, TrialState state = TrialState.Completed, long lastMeasured = -1) =>
        new() { TrialId = d.Spec.TrialId, State = state, Attempt = d.Token, Silo = d.Silo, LastMeasuredStep = lastMeasured };

    static OutcomeVerdict Finish(Sweep book, TrialOutcome outcome, bool cancel = false)
    {
        var verdict = book.Judge(ref outcome, cancel);
        if (verdict == OutcomeVerdict.Taken) book.Commit(outcome);
        return verdict;
    }

    static MeasurementRow Row(string trial, long step) => new() { TrialId = trial, Step = step };

    /// <summary>The watchdog's pass when <paramref name="silo"/> left the cluster and nothing is silent.</summary>
    static List<int> Lost(Sweep sweep, string silo) =>
        [.. sweep.Watchdog(s => s != silo, DateTimeOffset.MinValue).Select(l => Assert.IsType<string>(l.Silo) == silo ? l.Index : -1)];

    /// <summary>The watchdog's pass when every silo is up and trials not heard from since <paramref name="since"/> are silent.</summary>
    static List<int> Silent(Sweep sweep, DateTimeOffset since) =>
        [.. sweep.Watchdog(_ => true, since).Select(l => l.Silo is null ? l.Index : -1)];

    [Fact]
    public void Dispatch_fills_the_freest_silo_first_then_prefetches_one_per_full_silo()
    {
        var book = Book(10);
        var sent = Dispatch(book, prefetch: 1, silos: [new("a", 1), new("b", 3)]);

        Assert.Equal(["t0", "t1", "t2", "t3", "t4", "t5"], sent.Select(d => d.Spec.TrialId));
        Assert.Equal(["b", "b", "a", "b", "a", "b"], sent.Select(d => d.Silo));
        Assert.Equal([false, false, false, false, true, true], sent.Select(d => d.WaitsForSlot));
        Assert.Equal((4, 6), (book.Ledger.CountOf(TrialState.Queued), book.Ledger.CountOf(TrialState.Running)));
        Assert.Empty(Dispatch(book, prefetch: 1, silos: [new("a", 1), new("b", 3)]));
    }

    [Fact]
    public void The_sweeps_cap_bounds_what_trains_and_turns_prefetch_off()
    {
        var book = Book(10);
        var sent = Dispatch(book, maxConcurrent: 3, prefetch: 2, silos: [new("a", 2), new("b", 2)]);
        Assert.Equal(3, sent.Count);
        Assert.All(sent, d => Assert.False(d.WaitsForSlot));

        Assert.Equal(OutcomeVerdict.Taken, Finish(book, Outcome(sent[0])));
        Assert.Single(Dispatch(book, maxConcurrent: 3, prefetch: 2, silos: [new("a", 2), new("b", 2)]));
    }

    [Fact]
    public void Re_queued_trials_go_first_in_plan_order()
    {
        var book = Book(6);
        var first = Dispatch(book, silos: new SiloSlots("a", 3));
        Assert.Equal(["t0", "t1", "t2"], first.Select(d => d.Spec.TrialId));
        book.StartFailed(first[2].Index, first[2].Token, "boom");
        book.StartFailed(first[0].Index, first[0].Token, "boom");

        var next = Dispatch(book, silos: new SiloSlots("a", 5));
        Assert.Equal(["t0", "t2", "t3", "t4"], next.Select(d => d.Spec.TrialId));
    }

    [Fact]
    public void Attempts_count_real_starts_not_dispatches()
    {
        var book = Book(1);
        // Dispatched to a silo that died before the trial trained: no attempt.
        var lost = Dispatch(book)[0];
        Lost(book, lost.Silo);
        Assert.Equal(0, book.Ledger.Attempts(0));

        var second = Dispatch(book)[0];
        Assert.Equal(1, book.OnProgress(Training(second), _ => 2, T0));
        Assert.Null(book.OnProgress(Training(second, step: 5), _ => 2, T0)); // counted once
        Lost(book, second.Silo);

        var third = Dispatch(book)[0];
        var outcome = Outcome(third);
        // Finished before any progress report: the outcome counts its start.
        Assert.Equal(OutcomeVerdict.Taken, book.Judge(ref outcome, cancelRequested: false));
        Assert.Equal(2, outcome.Attempt);
    }

    [Fact]
    public void A_run_that_goes_on_training_across_a_coordinator_failover_is_not_a_new_attempt()
    {
        var startedAt = T0.AddMinutes(3);
        var before = Book(1);
        var first = Dispatch(before)[0];
        Assert.Equal(1, before.OnProgress(Training(first) with { TrainingStartedAt = startedAt }, _ => 2, T0));

        // The new activation's book, from the record: one start, at that time.
        var after = Book(1);
        after.Ledger.RestoreAttempts(0, 1, startedAt);
        var again = Dispatch(after)[0];
        Assert.Null(after.OnProgress(Training(again) with { TrainingStartedAt = startedAt }, _ => 2, T0));
        var outcome = Outcome(again) with { TrainingStartedAt = startedAt.UtcDateTime };
        Assert.Equal(OutcomeVerdict.Taken, after.Judge(ref outcome, cancelRequested: false));
        Assert.Equal(1, outcome.Attempt);

        // A run that really started again (its silo died) counts.
        var third = Book(1);
        third.Ledger.RestoreAttempts(0, 1, startedAt);
        var restarted = Dispatch(third)[0];
        Assert.Equal(2, third.OnProgress(Training(restarted) with { TrainingStartedAt = startedAt.AddMinutes(1) }, _ => 2, T0));
    }

    [Fact]
    public void Reports_of_an_older_dispatch_are_ignored_but_a_given_up_trial_that_reports_comes_back_once()
    {
        var book = Book(2);
        var first = Dispatch(book, silos: new SiloSlots("a", 1))[0];
        Assert.Equal(1, book.OnProgress(Training(first), _ => 1, T0));
        Assert.Equal([0], Silent(book, T0.AddSeconds(1)));
        Assert.Equal(TrialState.Queued, book.Ledger.State(0));

        // Alive after all: back to running, its attempt not counted again, and no second dispatch of it.
        Assert.Null(book.OnProgress(Training(first, step: 9), _ => 1, T0.AddSeconds(2)));
        Assert.Equal((TrialState.Running, 1), (book.Ledger.State(0), book.Ledger.Attempts(0)));
        Assert.Empty(Dispatch(book, silos: new SiloSlots("a", 1)));

        // A report carrying another dispatch's token changes nothing.
        Assert.Null(book.OnProgress(Training(first) with { Attempt = first.Token + 100 }, _ => 1, T0));
    }

    [Fact]
    public void Rows_are_taken_once_in_step_order_and_an_outcome_without_its_rows_re_queues_the_trial()
    {
        var book = Book(1);
        var d = Dispatch(book)[0];
        var fresh = book.Ledger.TakeNewRows(0, [Row("t0", 16), Row("t0", 0), Row("t0", 16)]);
        Assert.Equal([0L, 16L], fresh.Select(r => r.Step));
        book.Ledger.Delivered(0, fresh);
        Assert.Empty(book.Ledger.TakeNewRows(0, [Row("t0", 0), Row("t0", 16)]));
        Assert.Equal((16L, 2L), (book.Ledger.DeliveredThrough(0), book.Ledger.MeasurementRows));

        // The trial measured step 32 too, but that row never arrived.
        Assert.Equal(OutcomeVerdict.RowsMissing, Finish(book, Outcome(d, lastMeasured: 32)));
        Assert.Equal(TrialState.Queued, book.Ledger.State(0));

        var again = Dispatch(book)[0];
        book.Ledger.Delivered(0, book.Ledger.TakeNewRows(0, [Row("t0", 16), Row("t0", 32)]));
        Assert.Equal(OutcomeVerdict.Taken, Finish(book, Outcome(again, lastMeasured: 32)));
        Assert.Equal((1, 0, 3L), (book.Ledger.CountOf(TrialState.Completed), book.Ledger.Unfinished, book.Ledger.MeasurementRows));
        // A finished trial takes no more rows, and a repeated outcome is ignored.
        Assert.Empty(book.Ledger.TakeNewRows(0, [Row("t0", 48)]));
        Assert.Equal(OutcomeVerdict.Ignored, Finish(book, Outcome(again, lastMeasured: 32)));
    }

    [Fact]
    public void A_lost_silo_re_queues_only_its_own_trials()
    {
        var book = Book(4);
        var sent = Dispatch(book, silos: [new("a", 2), new("b", 2)]);
        var lost = Lost(book, "a");
        Assert.Equal(sent.Where(d => d.Silo == "a").Select(d => d.Index).Order(), lost.Order());
        Assert.Equal((2, 2), (book.Ledger.CountOf(TrialState.Queued), book.Ledger.CountOf(TrialState.Running)));
        Assert.Equal(["b"], book.Board.SilosWithTrials);
    }

    [Fact]
    public void A_cancel_nobody_asked_for_runs_the_trial_again_and_a_cancelled_sweep_ends_its_queue()
    {
        var book = Book(3);
        var d = Dispatch(book, silos: new SiloSlots("a", 1))[0];
        Assert.Equal(OutcomeVerdict.Ignored, Finish(book, Outcome(d, TrialState.Cancelled)));
        Assert.Equal(3, book.Ledger.CountOf(TrialState.Queued));

        var again = Dispatch(book, silos: new SiloSlots("a", 1))[0];
        Assert.Equal(OutcomeVerdict.Taken, Finish(book, Outcome(again, TrialState.Cancelled), cancel: true));
        Assert.Equal(["t1", "t2"], book.CancelQueued("cancelled", T0).Select(o => o.TrialId));
        Assert.Equal((3, 0), (book.Ledger.CountOf(TrialState.Cancelled), book.Ledger.Unfinished));
    }

    [Fact]
    public void A_resubmit_re_queues_failed_and_cancelled_trials_and_keeps_the_finished()
    {
        var book = Book(3);
        var sent = Dispatch(book, silos: new SiloSlots("a", 3));
        Finish(book, Outcome(sent[0]));
        Finish(book, Outcome(sent[1], TrialState.Failed));
        Finish(book, Outcome(sent[2], TrialState.Cancelled), cancel: true);

        book.RequeueUnfinished();
        Assert.Equal((1, 2), (book.Ledger.CountOf(TrialState.Completed), book.Ledger.CountOf(TrialState.Queued)));
        Assert.Equal(["t1", "t2"], Dispatch(book, silos: new SiloSlots("a", 3)).Select(d => d.Spec.TrialId));
    }

    [Fact]
    public void A_prefetched_trial_that_trains_on_a_full_silo_waits_until_an_outcome_frees_its_slot()
    {
        var book = Book(2);
        var sent = Dispatch(book, prefetch: 1, silos: new SiloSlots("a", 1));
        Assert.Equal([false, true], sent.Select(d => d.WaitsForSlot));
        book.OnProgress(Training(sent[0]), _ => 1, T0);
        book.OnProgress(Training(sent[1]), _ => 1, T0.AddSeconds(1));
        Assert.True(book.Board.TryGetRunning(1, out var waiting) && waiting.WaitingForSlot);

        Finish(book, Outcome(sent[0]));
        book.PromoteWaiting("a", slots: 1);
        Assert.False(waiting.WaitingForSlot);
    }

    [Fact]
    public void Restoring_takes_outcomes_only_with_their_rows_and_reruns_failures_only_on_resubmit()
    {
        var book = Book(3);
        book.Ledger.RestoreDelivered(0, Row("t0", 0));
        book.Ledger.RestoreDelivered(0, Row("t0", 16));
        book.Ledger.RestoreOutcome(0, new TrialOutcome { TrialId = "t0", State = TrialState.Completed, Attempt = 2, LastMeasuredStep = 16 }, rerunUnfinished: true);
        book.Ledger.RestoreOutcome(1, new TrialOutcome { TrialId = "t1", State = TrialState.Completed, Attempt = 1, LastMeasuredStep = 16 }, rerunUnfinished: true);
        book.Ledger.RestoreOutcome(2, new TrialOutcome { TrialId = "t2", State = TrialState.Failed, Attempt = 3 }, rerunUnfinished: true);

        Assert.Equal((TrialState.Completed, TrialState.Queued, TrialState.Queued), (book.Ledger.State(0), book.Ledger.State(1), book.Ledger.State(2)));
        Assert.Equal((2, 1, 3), (book.Ledger.Attempts(0), book.Ledger.Attempts(1), book.Ledger.Attempts(2)));
        Assert.Equal((16L, 2L), (book.Ledger.DeliveredThrough(0), book.Ledger.MeasurementRows));

        var resumed = Book(1);
        resumed.Ledger.RestoreOutcome(0, new TrialOutcome { TrialId = "t0", State = TrialState.Failed, Attempt = 1 }, rerunUnfinished: false);
        Assert.Equal(TrialState.Failed, resumed.Ledger.State(0));
    }

    [Fact]
    public void A_hundred_thousand_trials_run_through_the_book()
    {
        // Not a timing test: it proves the cursor and the counters stay right over a large plan.
        var book = Book(100_000);
        var silos = new[] { new SiloSlots("a", 8), new SiloSlots("b", 8), new SiloSlots("c", 8) };
        var running = new Queue<Dispatched>(book.Dispatch(silos, 0, 1, T0));
        int finished = 0;
        while (running.TryDequeue(out var d))
        {
            Assert.Equal(OutcomeVerdict.Taken, Finish(book, Outcome(d)));
            finished++;
            foreach (var next in book.Dispatch(silos, 0, 1, T0)) running.Enqueue(next);
        }
        Assert.Equal((100_000, 100_000, 0), (finished, book.Ledger.CountOf(TrialState.Completed), book.Ledger.Unfinished));
    }
}
