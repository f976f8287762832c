using OrleansConfusion.Engine.Configuration;

namespace OrleansConfusion.Grains.Tests;

/// <summary>The silo's slot threads: the count holds, arrival order holds, a cancelled waiter never trains.</summary>
public sealed class TrainingSlotTests
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    static SiloTrainingCapacity Capacity(int slots) =>
        new(new TrialSchedulingOptions { CpuSlots = slots, GpuSlots = 0 }, new TorchRuntimeOptions());

    [Fact]
    public async Task No_more_trials_train_at_once_than_there_are_slots()
    {
        var capacity = Capacity(2);
        int running = 0, most = 0;
        var jobs = Enumerable.Range(0, 8).Select(_ => capacity.RunAsync(() =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(30);
            Interlocked.Decrement(ref running);
            return Thread.CurrentThread.IsThreadPoolThread;
        }, CancellationToken.None)).ToList();

        var onPool = await Task.WhenAll(jobs).WaitAsync(Patience);
        Assert.Equal(2, most);
        Assert.DoesNotContain(true, onPool);
        Assert.Equal(0, capacity.InUse);
    }

    [Fact]
    public async Task One_slot_trains_in_arrival_order_and_keeps_its_thread_between_trials()
    {
        var capacity = Capacity(1);
        var order = new List<int>();
        var threads = new HashSet<int>();
        var jobs = Enumerable.Range(0, 5).Select(i => capacity.RunAsync(() =>
        {
            lock (order)
            {
                order.Add(i);
                threads.Add(Environment.CurrentManagedThreadId);
            }
            return i;
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(jobs).WaitAsync(Patience);
        // A later trial, after the slot went idle, still finds the same thread waiting.
        await capacity.RunAsync(() => { lock (order) threads.Add(Environment.CurrentManagedThreadId); return 0; }, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal([0, 1, 2, 3, 4], order);
        Assert.Single(threads);
    }

    [Fact]
    public async Task A_trial_cancelled_while_it_waits_never_trains()
    {
        var capacity = Capacity(1);
        using var release = new ManualResetEventSlim();
        var blocker = capacity.RunAsync(() => release.Wait(Patience), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        bool ran = false;
        var waiter = capacity.RunAsync(() => ran = true, cancel.Token);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(Patience));
        release.Set();
        Assert.True(await blocker.WaitAsync(Patience));
        // The slot is free again and the cancelled trial was skipped.
        Assert.Equal(7, await capacity.RunAsync(() => 7, CancellationToken.None).WaitAsync(Patience));
        Assert.False(ran);
    }

    [Fact]
    public async Task A_failing_trial_fails_its_task_and_frees_its_slot()
    {
        var capacity = Capacity(1);
        var failing = capacity.RunAsync<int>(() => throw new InvalidDataException("bad data"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => failing.WaitAsync(Patience));
        Assert.Equal("bad data", error.Message);
        Assert.Equal(1, await capacity.RunAsync(() => 1, CancellationToken.None).WaitAsync(Patience));
    }

    [Fact]
    public void A_silo_without_slots_refuses_trials()
    {
        // Thrown at once, not through the task: placement put the trial on the wrong silo.
        Assert.Throws<InvalidOperationException>(() => { _ = Capacity(0).RunAsync(() => 0, CancellationToken.None); });
    }

    static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
