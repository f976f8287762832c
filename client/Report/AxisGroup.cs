namespace OrleansConfusion.Cli.Report;

/// <summary>The trials (one per seed, usually) that share one value of the axis within a slice.</summary>
internal sealed record AxisGroup(string Value, double Numeric, IReadOnlyList<TrialSummary> Trials);
