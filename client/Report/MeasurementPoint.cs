namespace OrleansConfusion.Cli.Report;

/// <summary>
/// The fields of one metrics/ row that the report uses. <see cref="MinCosine"/> and
/// <see cref="Histogram"/> come from the paper protocol when the sweep has it, else from the per-sample one;
/// <see cref="PerSampleMinCosine"/> is always the per-sample measurement's (the scale-free partner of η).
/// </summary>
internal sealed record MeasurementPoint(
    string TrialId,
    long Step,
    int Epoch,
    double? TrainLoss,
    double? MinCosine,
    double? Eta,
    double? PerSampleMinCosine,
    long[]? Histogram);
