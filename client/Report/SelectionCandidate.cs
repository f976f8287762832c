namespace OrleansConfusion.Cli.Report;

/// <summary>A value of the selected axis in one cell: the mean of the criterion over its seeds (NaN when not a candidate, with why).</summary>
internal sealed record SelectionCandidate(string Value, double Mean, int Trials, string Why);
