namespace OrleansConfusion.Grains.Abstractions;

public enum SweepState
{
    NotFound,
    Running,
    Completed,
    Cancelled,

    /// <summary>Stopped by an error it cannot go on past (its output could not be written): <see cref="SweepStatus.Error"/> says which. A resubmit resumes it.</summary>
    Failed,
}
