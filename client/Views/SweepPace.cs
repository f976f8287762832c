namespace OrleansConfusion.Cli.Views;

/// <summary>A sweep's measured throughput and the time left at that pace; null while not yet measurable.</summary>
public sealed record SweepPace(double? TrialsPerMinute, TimeSpan? Remaining)
{
    public static readonly SweepPace Unknown = new(null, null);
}
