namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>The values a synthetic trial reports at one epoch.</summary>
public readonly record struct Planted(double MinCosine, double Eta, double Loss);
