namespace OrleansConfusion.Cli.Report;

/// <summary>The direction a finding predicts for a statistic along an axis.</summary>
public enum TrendExpectation
{
    Increasing,
    Decreasing,

    /// <summary>No trend: the interval contains 0 and |ρ| is small.</summary>
    Flat,
}
