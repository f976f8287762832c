namespace OrleansConfusion.Cli.Report;

/// <summary>
/// One trial's end-of-training statistics (each from the last measurement that has it) and its
/// per-epoch curves (the last measurement of each epoch).
/// </summary>
internal sealed record TrialSummary(
    TrialRow Trial,
    double? FinalMinCosine,
    double? FinalEta,
    double? FinalPerSampleMinCosine,
    double? FinalTrainLoss,
    double[]? FinalDensity,
    IReadOnlyDictionary<int, double> MinCosineByEpoch,
    IReadOnlyDictionary<int, double> TrainLossByEpoch)
{
    public static TrialSummary From(TrialRow trial, IReadOnlyList<MeasurementPoint> measurements)
    {
        var ordered = measurements.OrderBy(m => m.Step).ToList();
        double? Last(Func<MeasurementPoint, double?> pick) =>
            ordered.Select(pick).LastOrDefault(v => v is { } d && double.IsFinite(d));

        var histogram = ordered.LastOrDefault(m => m.Histogram is { Length: > 0 } h && h.Sum() > 0)?.Histogram;
        return new TrialSummary(
            trial,
            Last(m => m.MinCosine),
            Last(m => m.Eta),
            Last(m => m.PerSampleMinCosine),
            Last(m => m.TrainLoss),
            histogram is null ? null : Density(histogram),
            ByEpoch(ordered, m => m.MinCosine),
            ByEpoch(ordered, m => m.TrainLoss));
    }

    /// <summary>Histogram over [-1, 1] in equal bins → probability density (integrates to 1).</summary>
    public static double[] Density(long[] histogram)
    {
        double total = histogram.Sum();
        double width = 2.0 / histogram.Length;
        return [.. histogram.Select(c => c / (total * width))];
    }

    static Dictionary<int, double> ByEpoch(List<MeasurementPoint> ordered, Func<MeasurementPoint, double?> pick)
    {
        var byEpoch = new Dictionary<int, double>();
        foreach (var m in ordered)
            if (pick(m) is { } v && double.IsFinite(v)) byEpoch[m.Epoch] = v;
        return byEpoch;
    }

    public double? Statistic(TrendStatistic statistic) => statistic switch
    {
        TrendStatistic.FinalMinCosine => FinalMinCosine,
        TrendStatistic.FinalEta => FinalEta,
        TrendStatistic.FinalPerSampleMinCosine => FinalPerSampleMinCosine,
        TrendStatistic.FinalTrainLoss => FinalTrainLoss,
        TrendStatistic.StepsToTargetLoss => Trial.StepsToTarget,
        _ => null,
    };
}
