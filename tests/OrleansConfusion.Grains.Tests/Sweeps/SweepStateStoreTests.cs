using Orleans.Core;
using Orleans.Runtime;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The coordinator's stored state under the ownership check that reads it back while other turns change it: the
/// activation's own object, with what it has not stored yet, survives the read, and a later generation fences it.
/// </summary>
public sealed class SweepStateStoreTests
{
    /// <summary>A storage of one state: a read brings a new object, as Orleans' storage providers do.</summary>
    sealed class OneState : IPersistentState<SweepCoordinatorState>
    {
        public SweepCoordinatorState Stored = new();
        public TaskCompletionSource? ReadGate;
        public SweepCoordinatorState State { get; set; } = new();
        public string? Etag { get; set; }
        public bool RecordExists => true;
        public Task ClearStateAsync() => throw new NotSupportedException();

        public Task WriteStateAsync()
        {
            Stored = new SweepCoordinatorState { State = State.State, Generation = State.Generation };
            return Task.CompletedTask;
        }

        public async Task ReadStateAsync()
        {
            if (ReadGate is { } gate) await gate.Task;
            State = new SweepCoordinatorState { State = Stored.State, Generation = Stored.Generation };
        }
    }

    [Fact]
    public async Task A_change_made_while_ownership_is_read_back_is_kept_and_stored()
    {
        var storage = new OneState();
        var store = new SweepStateStore("s", storage);
        (store.State.State, store.State.Generation) = (SweepState.Running, 1);
        await store.SaveAsync();

        storage.ReadGate = new TaskCompletionSource();
        var check = store.CheckOwnershipAsync(e => throw e);
        // The sweep ends while the read is out (its final files written off the grain's path).
        var mine = store.State;
        mine.State = SweepState.Completed;
        storage.ReadGate.SetResult();
        Assert.True(await check);

        Assert.Same(mine, store.State);
        Assert.Equal(SweepState.Completed, store.State.State);
        await store.SaveAsync();
        Assert.Equal(SweepState.Completed, storage.Stored.State);
    }

    [Fact]
    public async Task A_later_generation_in_storage_fences_the_activation_and_its_state_stays_its_own()
    {
        var storage = new OneState();
        var store = new SweepStateStore("s", storage);
        (store.State.State, store.State.Generation) = (SweepState.Running, 1);
        await store.SaveAsync();
        storage.Stored = new SweepCoordinatorState { State = SweepState.Running, Generation = 2 };

        string? fenced = null;
        store.Fenced += (why, _) => fenced = why;
        Assert.False(await store.CheckOwnershipAsync(e => throw e));
        Assert.Equal("generation 2 took the sweep over from this activation's 1", fenced);
        Assert.Equal(1, store.State.Generation);
        await Assert.ThrowsAsync<InvalidOperationException>(store.SaveAsync);
        Assert.Equal(2, storage.Stored.Generation);
    }

    [Fact]
    public async Task Storage_that_does_not_answer_tells_nothing_and_keeps_the_state()
    {
        var storage = new OneState();
        var store = new SweepStateStore("s", storage);
        (store.State.State, store.State.Generation) = (SweepState.Running, 1);
        var mine = store.State;
        storage.ReadGate = new TaskCompletionSource();
        storage.ReadGate.SetException(new TimeoutException("redis"));
        Exception? seen = null;
        Assert.False(await store.CheckOwnershipAsync(e => seen = e));
        Assert.IsType<TimeoutException>(seen);
        Assert.Same(mine, store.State);
        Assert.Null(store.FencedBy);
    }
}
