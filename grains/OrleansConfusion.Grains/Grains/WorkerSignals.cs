using OrleansConfusion.Engine.Training;

namespace OrleansConfusion.Grains;

/// <summary>
/// The only things a training thread shares with its grain: whether it holds a slot yet, its latest
/// progress, and how far the coordinator holds its rows. Kept apart from the grain so the worker never
/// touches grain fields.
/// </summary>
internal sealed class WorkerSignals(long deliveredThroughStep)
{
    volatile bool _training;
    TrialProgress? _progress;
    long _deliveredThrough = deliveredThroughStep;
    long _lastMeasured = -1;

    /// <summary>The step of the last measurement this attempt took (−1: none); the outcome names it.</summary>
    public long LastMeasuredStep => Interlocked.Read(ref _lastMeasured);

    /// <summary>Called by the training thread for each measurement it takes, in step order.</summary>
    public void Measured(long step) => Interlocked.Exchange(ref _lastMeasured, step);

    /// <summary>The last step whose row, and every one before it, the coordinator acknowledged.</summary>
    public long DeliveredThroughStep => Interlocked.Read(ref _deliveredThrough);

    /// <summary>Called by the grain only (one writer, on its scheduler); the training thread reads.</summary>
    public void Delivered(long step)
    {
        if (step > DeliveredThroughStep) Interlocked.Exchange(ref _deliveredThrough, step);
    }

    public bool Training
    {
        get => _training;
        set => _training = value;
    }

    public TrialProgress? Progress
    {
        get => Volatile.Read(ref _progress);
        set => Volatile.Write(ref _progress, value);
    }
}
