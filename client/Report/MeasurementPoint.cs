namespace OrleansConfusion.Cli.Report;

/// <summary>
/// The fields of one metrics.parquet row that the report uses. <see cref="MinCosine"/> and
/// <see cref="Histogram"/> come from the paper protocol when the sweep has it, else from the per-sample one.
/// </summary>
internal sealed record MeasurementPoint(
    string TrialId,
    long Step,
    int Epoch,
    double? TrainLoss,
    double? MinCosine,
    double? Eta,
    long[]? Histogram);
