namespace OrleansConfusion.Cli.Report;

/// <summary>A rank correlation and its bootstrap interval (NaN bounds when no resample was defined).</summary>
internal sealed record BootstrapResult(double Rho, double Low, double High, int ValidResamples);

/// <summary>
/// The difference of the statistic's means between the largest and the smallest axis value, with a
/// percentile bootstrap interval over seeds (NaN when fewer than two axis values).
/// </summary>
internal sealed record EffectSize(double Difference, double Low, double High);
