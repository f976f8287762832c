namespace OrleansConfusion.Sweeps;

/// <summary>A trial the watchdog took back: from a silo that left the cluster (<see cref="Silo"/>), or one that went silent (null).</summary>
public readonly record struct LostTrial(int Index, string? Silo)
{
    public string Why => Silo is { } silo ? $"was on {silo}, which left the cluster" : "went silent";
}
