using OrleansConfusion.Cli.Results;

namespace OrleansConfusion.Cli.Commands;

/// <summary>`results --json`: where the files are and one entry per trial.</summary>
public sealed record SweepResultsJson(string TrialsFile, string MetricsFile, long MeasurementRows, IReadOnlyList<TrialSummary> Trials);
