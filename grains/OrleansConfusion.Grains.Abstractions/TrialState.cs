namespace OrleansConfusion.Grains.Abstractions;

/// <summary>Lifecycle of a trial. The last four are terminal.</summary>
public enum TrialState
{
    Queued,
    Running,
    Completed,
    Diverged,
    Failed,
    Cancelled,
}
