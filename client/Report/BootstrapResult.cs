namespace OrleansConfusion.Cli.Report;

/// <summary>A rank correlation and its bootstrap interval (NaN bounds when no resample was defined).</summary>
internal sealed record BootstrapResult(double Rho, double Low, double High, int ValidResamples);
