namespace OrleansConfusion.Cli.Results;

/// <summary>
/// One row of the summary table: a trial's outcome plus its last confusion measurement. Values the
/// sweep did not record (measurement off, trial failed early) are null.
/// </summary>
public sealed record TrialSummary
{
    public string TrialId { get; init; } = "";
    public string Label { get; init; } = "";
    public string Status { get; init; } = "";
    public double? FinalLoss { get; init; }
    public double? FinalAccuracy { get; init; }
    public double? FinalTestAccuracy { get; init; }
    public double? MinCosine { get; init; }
    public double? Eta { get; init; }
    public string? Error { get; init; }
}
