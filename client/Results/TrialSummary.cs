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
    /// <summary>Paper protocol: minimum cosine over random mini-batch gradient pairs.</summary>
    public double? MinCosine { get; init; }

    /// <summary>Per-sample: minimum cosine over all pairs of the M sample gradients.</summary>
    public double? PerSampleMinCosine { get; init; }
    public double? Eta { get; init; }
    public string? Error { get; init; }
}
