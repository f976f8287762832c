using System.Globalization;

namespace OrleansConfusion.Cli.Views;

/// <summary>Number formatting shared by the views: invariant culture, "–" for a missing value.</summary>
internal static class Format
{
    public static string Number(double? value, string format = "0.0000") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    public static string Percent(double? value) =>
        value is { } v && double.IsFinite(v) ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    /// <summary>"45s", "3m05s", "2h07m": short, for progress lines.</summary>
    public static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t.TotalHours >= 1) return $"{(long)t.TotalHours}h{t.Minutes:00}m";
        if (t.TotalMinutes >= 1) return $"{t.Minutes}m{t.Seconds:00}s";
        return $"{(int)Math.Ceiling(t.TotalSeconds)}s";
    }

    /// <summary>A text bar for lines that cannot draw one: "[####------]".</summary>
    public static string Bar(double fraction, int width = 10)
    {
        // Floor: a bar reads full only when the work is.
        int filled = (int)Math.Floor(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('-', width - filled) + "]";
    }
}
