namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>Reads metric names out of the Prometheus text exposition format.</summary>
public static class PrometheusText
{
    public static IEnumerable<string> SeriesNames(string scrape) =>
        scrape.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line[..line.IndexOfAny(['{', ' '])]);

    /// <summary>The sum of every series of <paramref name="name"/> (0 when absent).</summary>
    public static double Sum(string scrape, string name) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
}
