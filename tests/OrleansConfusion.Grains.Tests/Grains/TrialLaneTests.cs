using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>A trial grain's per-trial lane, start rules and send order, without a cluster.</summary>
public sealed class TrialLaneTests
{
    static readonly TrialSpec Spec = new() { SweepId = "s", TrialId = "t0", Model = new ModelSpec { Width = 8, Depth = 1 } };

    static MeasurementRow Row(MeasurementRecord r) => new() { TrialId = "t0", Step = r.Step };

    [Fact]
    public void Buffers_are_bounded_and_a_full_lane_holds_the_training_thread_until_the_grain_drains_it()
    {
        var lane = new TrialLane(Spec);
        lane.Begin(deliveredThroughStep: -1);
        var context = lane.Context(null, "cpu", CancellationToken.None);
        int total = TrialLane.MaxUnsent + TrialLane.ChannelCapacity + 10;
        long written = 0;
        var training = Task.Factory.StartNew(() =>
        {
            for (int step = 0; step < total; step++)
            {
                context.OnMeasurement(new MeasurementRecord { Step = step });
                Interlocked.Increment(ref written);
            }
        }, TaskCreationOptions.LongRunning);

        // The grain takes up to MaxUnsent; the channel fills behind them; the writer waits for room.
        SpinWait.SpinUntil(() => lane.TakeMeasurements(Row).Count == 0 && lane.Unsent.Count == TrialLane.MaxUnsent && Interlocked.Read(ref written) >= TrialLane.MaxUnsent + TrialLane.ChannelCapacity, TimeSpan.FromSeconds(30));
        Thread.Sleep(200);
        Assert.Equal(TrialLane.MaxUnsent, lane.Unsent.Count);
        Assert.False(training.IsCompleted);
        Assert.True(lane.HasBuffered);

        // Sent: the lane takes the rest, in step order, and the writer finishes.
        var seen = new List<long>(lane.Unsent.Select(r => r.Step));
        lane.Sent();
        Assert.Equal(TrialLane.MaxUnsent - 1, lane.Signals.DeliveredThroughStep);
        while (!training.IsCompleted || lane.HasBuffered)
        {
            seen.AddRange(lane.TakeMeasurements(Row).Select(r => r.Step));
            lane.Sent();
        }
        Assert.Equal(Enumerable.Range(0, total).Select(i => (long)i), seen);
        Assert.Equal(total - 1, lane.Signals.LastMeasuredStep);
    }

    [Fact]
    public void A_cancelled_run_is_not_held_by_a_full_lane()
    {
        var lane = new TrialLane(Spec);
        lane.Begin(-1);
        using var cancel = new CancellationTokenSource();
        var context = lane.Context(null, "cpu", cancel.Token);
        var training = Task.Factory.StartNew(() =>
        {
            for (int step = 0; ; step++) context.OnMeasurement(new MeasurementRecord { Step = step });
        }, TaskCreationOptions.LongRunning);
        SpinWait.SpinUntil(() => lane.HasBuffered && lane.TakeMeasurements(Row).Count == 0 && lane.Unsent.Count == TrialLane.MaxUnsent, TimeSpan.FromSeconds(30));
        cancel.Cancel();
        var error = Assert.ThrowsAny<AggregateException>(() => training.Wait(TimeSpan.FromSeconds(30)));
        Assert.IsAssignableFrom<OperationCanceledException>(error.InnerException);
    }

    [Fact]
    public void An_outcome_names_the_last_measured_step_and_a_failure_its_exception()
    {
        var lane = new TrialLane(Spec) { Attempt = 7 };
        lane.Begin(-1);
        lane.Context(null, "cpu", CancellationToken.None).OnMeasurement(new MeasurementRecord { Step = 32 });
        var failed = lane.ToOutcome(null, new InvalidOperationException("boom"), 1.5, "silo-a", "cpu");
        Assert.Equal((TrialState.Failed, "InvalidOperationException: boom", 32L, 7, "silo-a"), (failed.State, failed.Error, failed.LastMeasuredStep, failed.Attempt, failed.Silo));
        var diverged = lane.ToOutcome(new TrialResult { Status = TrialOutcomeStatus.Diverged, Steps = 40, Error = "non-finite loss" }, null, 2, "silo-a", "cpu");
        Assert.Equal((TrialState.Diverged, 40L, "non-finite loss"), (diverged.State, diverged.TrainedSteps, diverged.Error));
    }

    [Fact]
    public void A_start_resends_a_finished_outcome_only_when_the_coordinator_holds_its_rows()
    {
        var done = new TrialLane(Spec) { Outcome = new TrialOutcome { TrialId = "t0", State = TrialState.Completed, LastMeasuredStep = 32 } };
        var other = Spec with { TrialId = "t1" };

        var start = TrialStart.Decide([done], [Spec, other], [5, 6], [32, -1]);
        Assert.Same(done, Assert.Single(start.Resend));
        Assert.Equal(5, done.Attempt);
        Assert.Equal(("t1", -1L), (Assert.Single(start.Train).Lane.Spec.TrialId, start.Train[0].Delivered));

        // Rows lost with a coordinator: train again, from what it holds.
        var again = TrialStart.Decide([done], [Spec], [8], [16]);
        Assert.Empty(again.Resend);
        Assert.Equal(16, Assert.Single(again.Train).Delivered);
        // A failed run is never resent.
        var failed = new TrialLane(Spec) { Outcome = new TrialOutcome { TrialId = "t0", State = TrialState.Failed } };
        Assert.Single(TrialStart.Decide([failed], [Spec], [9], [99]).Train);
    }

    [Fact]
    public void A_start_while_training_rejoins_its_trials_under_the_new_attempts_or_is_refused()
    {
        var lane = new TrialLane(Spec) { Attempt = 1 };
        TrialStart.Rejoin([lane], [Spec], [4], "s/t0");
        Assert.Equal(4, lane.Attempt);
        var error = Assert.Throws<InvalidOperationException>(() => TrialStart.Rejoin([lane], [Spec with { TrialId = "t9" }], [5], "s/t0"));
        Assert.Contains("trial t9 cannot join", error.Message);
    }

    [Fact]
    public async Task Sends_run_in_the_order_asked_and_a_failed_one_does_not_stop_the_next()
    {
        var sends = new SerialSends();
        var order = new List<int>();
        var gate = new TaskCompletionSource();
        var first = sends.Enqueue(async () => { await gate.Task; order.Add(1); });
        var second = sends.Enqueue(() => { order.Add(2); throw new InvalidOperationException("lost"); });
        var third = sends.Enqueue(() => { order.Add(3); return Task.CompletedTask; });
        Assert.Empty(order);
        gate.SetResult();
        await first;
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        await third;
        Assert.Equal([1, 2, 3], order);
    }
}
