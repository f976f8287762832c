namespace OrleansConfusion.Grains.Abstractions;

public enum SweepState
{
    NotFound,
    Running,
    Completed,
    Cancelled,
}
