using System.Globalization;

namespace OrleansConfusion.Cli.Views;

/// <summary>Number formatting shared by the views: invariant culture, "–" for a missing value.</summary>
internal static class Format
{
    public static string Number(double? value, string format = "0.0000") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    public static string Percent(double? value) =>
        value is { } v && double.IsFinite(v) ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";
}
