using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// The gradient matrix of the all-pairs paper protocol (up to <see cref="PaperProtocol.DefaultGradientBudgetBytes"/>),
/// kept between measurements of one trial. A fresh 320 MB matrix at every measurement cost 58 ms of page faults
/// on top of 460 ms of work (K = 200, 0.4 M parameters, measured here); kept, it costs that once per trial, and
/// the memory stays taken until the trial ends (<see cref="Dispose"/>).
/// </summary>
public sealed class AllPairsWorkspace : IDisposable
{
    private Tensor? _buffer;

    /// <summary>A rows × columns float32 view of the kept buffer, which grows (never shrinks) to fit.</summary>
    public Tensor Rows(int rows, long columns, Device device)
    {
        long needed = rows * columns;
        // By type and index: torch.Device is a class without value equality, so comparing the objects
        // (a fresh one per Tensor.device call) would drop and refault the buffer at every measurement.
        if (_buffer is null || _buffer.numel() < needed || _buffer.device_type != device.type || _buffer.device_index != device.index)
        {
            _buffer?.Dispose();
            // Outside any dispose scope: the caller's scope disposes the view it gets, never the buffer.
            _buffer = empty([needed], dtype: float32, device: device).DetachFromDisposeScope();
        }
        return _buffer.narrow(0, 0, needed).view(rows, columns);
    }

    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }
}
