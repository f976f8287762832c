namespace OrleansConfusion.Grains;

/// <summary>Provider names the host must register (memory in tests, Redis in a cluster).</summary>
public static class StorageNames
{
    /// <summary>Grain storage for sweep coordinators and trials.</summary>
    public const string Sweeps = "sweeps";

    /// <summary>The coordinator's watchdog reminder (needs a reminder service on every silo).</summary>
    public const string WatchdogReminder = "sweep-watchdog";
}
