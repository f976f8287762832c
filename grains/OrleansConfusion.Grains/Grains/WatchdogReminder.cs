using Microsoft.Extensions.Logging;

namespace OrleansConfusion.Grains;

/// <summary>
/// The coordinator's reminder: it brings a sweep's coordinator back (on any silo) should its activation be lost while
/// trials run, and then ticks the watchdog. Registration failures are logged; the caller's next tick tries again.
/// </summary>
internal static class WatchdogReminder
{
    static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    public static async Task<bool> RegisterAsync(Grain grain, ILogger logger)
    {
        try
        {
            await grain.RegisterOrUpdateReminder(StorageNames.WatchdogReminder, Period, Period);
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sweep {Sweep}: could not register its watchdog reminder; the next tick retries", grain.GetPrimaryKeyString());
            return false;
        }
    }

    public static async Task UnregisterAsync(Grain grain)
    {
        var reminder = await grain.GetReminder(StorageNames.WatchdogReminder);
        if (reminder is not null) await grain.UnregisterReminder(reminder);
    }

    public static async Task UnregisterQuietlyAsync(Grain grain, ILogger logger)
    {
        try { await UnregisterAsync(grain); }
        catch (Exception e) { logger.LogWarning(e, "Sweep {Sweep}: could not unregister its watchdog reminder; its next tick will", grain.GetPrimaryKeyString()); }
    }
}
