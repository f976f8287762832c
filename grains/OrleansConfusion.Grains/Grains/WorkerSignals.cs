using OrleansConfusion.Engine.Training;

namespace OrleansConfusion.Grains;

/// <summary>
/// The only things a training thread shares with its grain: whether it holds a slot yet and its
/// latest progress. Kept apart from the grain so the worker never touches grain fields.
/// </summary>
internal sealed class WorkerSignals
{
    volatile bool _training;
    TrialProgress? _progress;

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
