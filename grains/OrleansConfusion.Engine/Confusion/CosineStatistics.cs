namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// Summary of a set of pairwise gradient cosines. The paper reports the minimum; a minimum over ~100
/// draws is noisy, so the 5th percentile, median, mean and the fraction of negative cosines come too.
/// Histogram: <c>Bins</c> equal-width bins over [-1, 1] (the last bin includes +1).
/// </summary>
public sealed record CosineStatistics(
    int Count,
    double Min,
    double P05,
    double Median,
    double Mean,
    double FractionNegative,
    IReadOnlyList<long> Histogram)
{
    public static CosineStatistics From(IReadOnlyList<double> cosines, int bins)
    {
        if (cosines.Count == 0) throw new ArgumentException("no cosines to summarise", nameof(cosines));
        var sorted = cosines.Order().ToArray();
        var histogram = new long[bins];
        foreach (double c in sorted)
        {
            int bin = (int)Math.Floor((Math.Clamp(c, -1, 1) + 1) / 2 * bins);
            histogram[Math.Min(bin, bins - 1)]++;
        }
        return new CosineStatistics(
            sorted.Length,
            sorted[0],
            Quantile(sorted, 0.05),
            Quantile(sorted, 0.5),
            sorted.Average(),
            sorted.Count(c => c < 0) / (double)sorted.Length,
            histogram);
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default), on sorted data.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
