namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// One trial of a sweep's summary, as the coordinator holds it: the outcome plus the confusion at its
/// last delivered measurement. A few numbers per trial, so a client can print a sweep's summary table
/// without reading the cluster's Parquet files. Values not (yet) known are NaN or null.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrialResultRow
{
    [Id(0)] public string TrialId { get; init; } = "";

    /// <summary>The live view's label, e.g. "mlp w64 d2 he_normal relu s0".</summary>
    [Id(1)] public string Label { get; init; } = "";
    [Id(2)] public TrialState State { get; init; }
    [Id(3)] public double FinalLoss { get; init; } = double.NaN;
    [Id(4)] public double FinalAccuracy { get; init; } = double.NaN;
    [Id(5)] public double FinalTestAccuracy { get; init; } = double.NaN;

    /// <summary>Paper protocol's minimum mini-batch cosine at the trial's highest delivered step.</summary>
    [Id(6)] public double? MinCosine { get; init; }

    /// <summary>Per-sample minimum cosine at the trial's highest delivered step.</summary>
    [Id(7)] public double? PerSampleMinCosine { get; init; }
    [Id(8)] public double? Eta { get; init; }
    [Id(9)] public string? Error { get; init; }
}
