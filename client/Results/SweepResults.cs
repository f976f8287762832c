namespace OrleansConfusion.Cli.Results;

/// <summary>A finished sweep as read back from its Parquet files.</summary>
public sealed record SweepResults(string SweepDirectory, string TrialsFile, string MetricsFile, IReadOnlyList<TrialSummary> Trials, long MeasurementRows);
