using OrleansConfusion.Engine.Configuration;

namespace OrleansConfusion.Grains;

/// <summary>
/// This silo's device and slot count, decided once: CUDA with GpuSlots when CUDA is available and
/// GpuSlots &gt; 0, else CPU with CpuSlots. The silo-local semaphore enforces the count even when
/// placement races (two coordinators placing on the same silo): extra trials wait their turn.
/// </summary>
public sealed class SiloTrainingCapacity : IDisposable
{
    /// <summary>Silo-metadata keys other silos' placement directors read.</summary>
    public const string SlotsMetadataKey = "orleansconfusion.training-slots";
    public const string DeviceMetadataKey = "orleansconfusion.device";

    readonly SemaphoreSlim _slots;

    /// <summary>
    /// Decided while the silo is built, because the slot count goes into the silo metadata that other
    /// silos' placement directors read, and that metadata is fixed before the silo starts.
    /// </summary>
    public SiloTrainingCapacity(TrialSchedulingOptions options, TorchRuntimeOptions torch)
    {
        Device = options.GpuSlots > 0 && CudaWanted(torch.Device) && CudaAvailable() ? "cuda" : "cpu";
        Slots = Math.Max(0, Device == "cuda" ? options.GpuSlots : options.CpuSlots);
        _slots = new SemaphoreSlim(Slots, Math.Max(Slots, 1));
    }

    /// <summary>"cuda" or "cpu".</summary>
    public string Device { get; }

    public int Slots { get; }

    public int InUse => Slots - _slots.CurrentCount;

    /// <summary>Waits for a free slot; dispose the result to give it back.</summary>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        if (Slots == 0) throw new InvalidOperationException("this silo has no training slots; the trial was placed here by mistake");
        await _slots.WaitAsync(cancellationToken);
        return new Release(_slots);
    }

    public void Dispose() => _slots.Dispose();

    static bool CudaWanted(string device) => !string.Equals(device?.Trim(), "cpu", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads libtorch; a silo without it (or without a GPU) trains on the CPU.</summary>
    static bool CudaAvailable()
    {
        try { return TorchSharp.torch.cuda.is_available(); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException) { return false; }
    }

    sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
