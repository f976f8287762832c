using OrleansConfusion.Engine.Configuration;

namespace OrleansConfusion.Grains;

/// <summary>
/// This silo's device and its training slots, decided once: CUDA with GpuSlots when CUDA is available
/// and GpuSlots &gt; 0, else CPU with CpuSlots. Trials run on dedicated slot threads, never on the
/// thread pool, and wait in one silo-local queue for a slot: the count holds even when placement races
/// (two coordinators placing on the same silo).
/// </summary>
/// <remarks>
/// Written by hand rather than a semaphore plus Task.Run: a training run blocks its thread for
/// seconds to hours, which would take a thread-pool thread from Orleans' scheduler for as long, and a
/// waiting trial's continuation would queue behind grain work when a slot frees. Here a slot thread
/// that finishes one trial takes the next queued one at once, and exits after <see cref="IdleTimeout"/>
/// with nothing queued (so idle silos, and the many short-lived silos of a test run, hold no threads).
/// </remarks>
public sealed class SiloTrainingCapacity
{
    /// <summary>Silo-metadata keys other silos' placement directors read.</summary>
    public const string SlotsMetadataKey = "orleansconfusion.training-slots";
    public const string DeviceMetadataKey = "orleansconfusion.device";

    /// <summary>How long a slot thread with nothing to train waits for the next trial before it exits.</summary>
    static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    readonly Queue<SlotJob> _waiting = new();
    readonly object _gate = new();
    int _threads;
    int _idle;
    int _inUse;

    /// <summary>
    /// Decided while the silo is built, because the slot count goes into the silo metadata that other
    /// silos' placement directors read, and that metadata is fixed before the silo starts.
    /// </summary>
    public SiloTrainingCapacity(TrialSchedulingOptions options, TorchRuntimeOptions torch)
    {
        Device = options.GpuSlots > 0 && CudaWanted(torch.Device) && CudaAvailable() ? "cuda" : "cpu";
        Slots = Math.Max(0, Device == "cuda" ? options.GpuSlots : options.CpuSlots);
    }

    /// <summary>"cuda" or "cpu".</summary>
    public string Device { get; }

    public int Slots { get; }

    /// <summary>Slots training right now.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>
    /// Runs <paramref name="train"/> on a slot thread once one is free, in arrival order. Cancelled while
    /// it waits, it never runs and the task is cancelled; once running, cancelling is the work's own business.
    /// </summary>
    public Task<T> RunAsync<T>(Func<T> train, CancellationToken cancellationToken)
    {
        if (Slots == 0) throw new InvalidOperationException("this silo has no training slots; the trial was placed here by mistake");
        var job = new SlotJob<T>(train, cancellationToken);
        bool startThread = false;
        lock (_gate)
        {
            _waiting.Enqueue(job);
            if (_idle > 0) Monitor.Pulse(_gate);
            // More queued than idle threads to take them: start another while there are free slots.
            if (_waiting.Count > _idle && _threads < Slots)
            {
                _threads++;
                startThread = true;
            }
        }
        if (startThread) new Thread(RunSlot) { IsBackground = true, Name = "training-slot" }.Start();
        return job.Task;
    }

    void RunSlot()
    {
        while (true)
        {
            SlotJob job;
            lock (_gate)
            {
                if (!_waiting.TryDequeue(out job!))
                {
                    // Wait a while for the next trial (the next sweep often follows) before giving the thread up.
                    _idle++;
                    Monitor.Wait(_gate, IdleTimeout);
                    _idle--;
                    if (!_waiting.TryDequeue(out job!))
                    {
                        _threads--;
                        return;
                    }
                }
            }
            if (!job.TryClaim()) continue;
            Interlocked.Increment(ref _inUse);
            try { job.Run(); }
            finally { Interlocked.Decrement(ref _inUse); }
        }
    }

    static bool CudaWanted(string device) => !string.Equals(device?.Trim(), "cpu", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads libtorch; a silo without it (or without a GPU) trains on the CPU.</summary>
    static bool CudaAvailable()
    {
        try { return TorchSharp.torch.cuda.is_available(); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException) { return false; }
    }

    abstract class SlotJob
    {
        const int Waiting = 0, Claimed = 1, Cancelled = 2;
        int _state;

        /// <summary>The slot thread takes the job unless a cancellation got to it first.</summary>
        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Waiting) == Waiting;

        protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting;

        public abstract void Run();
    }

    sealed class SlotJob<T> : SlotJob
    {
        // Continuations run off the slot thread, so it goes straight on to the next trial.
        readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly Func<T> _train;
        readonly CancellationTokenRegistration _registration;

        public SlotJob(Func<T> train, CancellationToken cancellationToken)
        {
            _train = train;
            _registration = cancellationToken.Register(() =>
            {
                if (TryCancel()) _result.TrySetCanceled(cancellationToken);
            });
        }

        public Task<T> Task => _result.Task;

        public override void Run()
        {
            _registration.Dispose();
            try { _result.SetResult(_train()); }
            catch (Exception e) { _result.SetException(e); }
        }
    }
}
