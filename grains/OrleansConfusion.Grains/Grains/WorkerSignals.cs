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
