namespace OrleansConfusion.Cli.Report;

/// <summary>
/// The difference of the statistic's means between the largest and the smallest axis value, with a
/// percentile bootstrap interval over seeds (NaN when fewer than two axis values).
/// </summary>
internal sealed record EffectSize(double Difference, double Low, double High);
