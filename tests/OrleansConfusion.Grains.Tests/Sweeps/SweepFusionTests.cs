using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>Fuse groups in a sweep: a configuration's queued seeds go out together and take one slot.</summary>
public sealed class SweepFusionTests
{
    static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    /// <summary><paramref name="configurations"/> groups of <paramref name="seeds"/> consecutive trials each.</summary>
    static Sweep Book(int configurations, int seeds) => new(
        [.. Enumerable.Range(0, configurations * seeds).Select(i => new TrialSpec { SweepId = "s", TrialId = $"t{i}", Seed = i % seeds })],
        [.. Enumerable.Range(0, configurations * seeds).Select(i => i / seeds * seeds)]);

    static List<Dispatched> Dispatch(Sweep book, int maxConcurrent = 0, int prefetch = 0, params SiloSlots[] silos) =>
        book.Dispatch(silos.Length > 0 ? silos : [new("a", 2)], maxConcurrent, prefetch, T0);

    static TrialStatus Training(Dispatched d) => new() { TrialId = d.Spec.TrialId, State = TrialState.Running, Attempt = d.Token, Silo = d.Silo, Step = 1 };

    static OutcomeVerdict Finish(Sweep book, Dispatched d)
    {
        var outcome = new TrialOutcome { TrialId = d.Spec.TrialId, State = TrialState.Completed, Attempt = d.Token, Silo = d.Silo, LastMeasuredStep = -1 };
        var verdict = book.Judge(ref outcome, false);
        if (verdict == OutcomeVerdict.Taken) book.Commit(outcome);
        return verdict;
    }

    static List<int> Lost(Sweep sweep, string silo) => [.. sweep.Watchdog(s => s != silo, DateTimeOffset.MinValue).Select(l => l.Index)];

    static List<int> Silent(Sweep sweep, DateTimeOffset since) => [.. sweep.Watchdog(_ => true, since).Select(l => l.Index)];

    static string[][] Units(IEnumerable<Dispatched> sent) =>
        [.. sent.GroupBy(d => d.Unit).Select(u => u.Select(d => d.Spec.TrialId).ToArray())];

    [Fact]
    public void A_groups_seeds_go_out_together_each_with_its_own_token_and_one_slot_per_group()
    {
        var book = Book(configurations: 3, seeds: 3);
        var sent = Dispatch(book, silos: new SiloSlots("a", 2));

        Assert.Equal([["t0", "t1", "t2"], ["t3", "t4", "t5"]], Units(sent));
        Assert.Equal(6, sent.Select(d => d.Token).Distinct().Count());
        Assert.Equal(6, book.Ledger.CountOf(TrialState.Running));
        Assert.Empty(Dispatch(book, silos: new SiloSlots("a", 2)));
        Assert.Equal(3, book.Queue.FuseGroupSize(4));
    }

    [Fact]
    public void A_group_holds_its_slot_until_its_last_seed_ends()
    {
        var book = Book(configurations: 2, seeds: 2);
        var sent = Dispatch(book, silos: new SiloSlots("a", 1));
        Assert.Equal([["t0", "t1"]], Units(sent));

        Assert.Equal(OutcomeVerdict.Taken, Finish(book, sent[0]));
        Assert.Empty(Dispatch(book, silos: new SiloSlots("a", 1)));
        Assert.Equal(OutcomeVerdict.Taken, Finish(book, sent[1]));
        Assert.Equal([["t2", "t3"]], Units(Dispatch(book, silos: new SiloSlots("a", 1))));
    }

    [Fact]
    public void The_cap_and_the_prefetch_count_groups()
    {
        var book = Book(configurations: 4, seeds: 3);
        var capped = Dispatch(book, maxConcurrent: 1, prefetch: 2, silos: [new("a", 2)]);
        Assert.Equal([["t0", "t1", "t2"]], Units(capped));
        Assert.All(capped, d => Assert.False(d.WaitsForSlot));

        var more = Dispatch(book, prefetch: 1, silos: [new("a", 2)]);
        Assert.Equal([["t3", "t4", "t5"], ["t6", "t7", "t8"]], Units(more));
        Assert.Equal([false, false, false, true, true, true], more.Select(d => d.WaitsForSlot));
    }

    [Fact]
    public void Only_the_queued_seeds_of_a_group_are_re_driven_and_they_go_together()
    {
        var book = Book(configurations: 2, seeds: 3);
        var sent = Dispatch(book, silos: new SiloSlots("a", 1));
        Assert.Equal(OutcomeVerdict.Taken, Finish(book, sent[0]));
        // The silo dies with two seeds of the group still running.
        Assert.Equal([1, 2], Lost(book, "a").Order());

        var again = Dispatch(book, silos: new SiloSlots("b", 1));
        Assert.Equal([["t1", "t2"]], Units(again));
        Assert.Equal(TrialState.Completed, book.Ledger.State(0));
    }

    [Fact]
    public void A_failed_start_re_queues_the_whole_group_and_a_late_report_brings_one_seed_back()
    {
        var book = Book(configurations: 1, seeds: 2);
        var sent = Dispatch(book, silos: new SiloSlots("a", 1));
        foreach (var d in sent) Assert.True(book.StartFailed(d.Index, d.Token, "boom"));
        Assert.Equal(2, book.Ledger.CountOf(TrialState.Queued));

        var again = Dispatch(book, silos: new SiloSlots("a", 1));
        Assert.Equal([["t0", "t1"]], Units(again));
        // The watchdog gives up on the group, then one seed reports after all: it runs again, in its unit.
        Assert.Equal(2, Silent(book, T0.AddSeconds(1)).Count);
        Assert.Equal(1, book.OnProgress(Training(again[0]), _ => 1, T0.AddSeconds(2)));
        Assert.Equal(1, book.Board.RunningCount);
        Assert.Equal(again[0].Unit, Assert.Single(book.Board.Running).Unit);
        // The slot is the group's: the other seed, still queued, waits for it rather than take a second one.
        Assert.Empty(Dispatch(book, silos: new SiloSlots("a", 1)));
    }

    [Fact]
    public void A_prefetched_group_that_says_it_trains_waits_as_a_whole_until_the_slot_frees()
    {
        var book = Book(configurations: 2, seeds: 2);
        var sent = Dispatch(book, prefetch: 1, silos: new SiloSlots("a", 1));
        var (first, second) = (sent.Take(2).ToArray(), sent.Skip(2).ToArray());
        Assert.All(second, d => Assert.True(d.WaitsForSlot));
        foreach (var d in first) book.OnProgress(Training(d), _ => 1, T0);
        foreach (var d in second) book.OnProgress(Training(d), _ => 1, T0);
        Assert.Equal(2, book.Board.Running.Count(r => r.WaitingForSlot));

        foreach (var d in first) Finish(book, d);
        book.PromoteWaiting("a", 1);
        Assert.Equal(0, book.Board.Running.Count(r => r.WaitingForSlot));
    }

    [Fact]
    public void Groups_must_be_runs_of_consecutive_trials_and_a_resubmit_keeps_the_book_only_when_grouped_alike()
    {
        var plan = Enumerable.Range(0, 4).Select(i => new TrialSpec { TrialId = $"t{i}" }).ToList();
        Assert.Throws<ArgumentException>(() => new Sweep(plan, [0, 1, 0, 3]));
        Assert.Throws<ArgumentException>(() => new Sweep(plan, [0, 0]));

        var fused = new Sweep(plan, [0, 0, 2, 2]);
        Assert.True(fused.HasSamePlan(plan, [0, 0, 2, 2]));
        Assert.False(fused.HasSamePlan(plan, [0, 1, 2, 3]));
        Assert.False(fused.HasSamePlan(plan));
        Assert.True(new Sweep(plan).HasSamePlan(plan, [0, 1, 2, 3]));
    }
}
