namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// One measurement of one trial, flat, as it goes into metrics.parquet. (TrialId, Step) is unique in
/// the output. Paper-protocol and per-sample fields are null when that measurement was off.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MeasurementRow
{
    [Id(0)] public string TrialId { get; init; } = "";
    [Id(1)] public long Step { get; init; }
    [Id(2)] public int Epoch { get; init; }
    [Id(3)] public double LearningRate { get; init; }
    [Id(4)] public double SgdLoss { get; init; } = double.NaN;
    [Id(5)] public double TrainLoss { get; init; }
    [Id(6)] public double TrainAccuracy { get; init; }
    [Id(7)] public double TestLoss { get; init; }
    [Id(8)] public double TestAccuracy { get; init; }
    [Id(9)] public double WallSeconds { get; init; }

    [Id(10)] public int? PaperPairs { get; init; }
    [Id(11)] public double? PaperMinCosine { get; init; }
    [Id(12)] public double? PaperP05Cosine { get; init; }
    [Id(13)] public double? PaperMedianCosine { get; init; }
    [Id(14)] public double? PaperMeanCosine { get; init; }
    [Id(15)] public double? PaperFractionNegative { get; init; }
    [Id(16)] public long[]? PaperHistogram { get; init; }
    [Id(17)] public double PaperSeconds { get; init; }

    [Id(18)] public int? PerSampleM { get; init; }
    [Id(19)] public double? Eta { get; init; }
    [Id(20)] public double? PerSampleMinCosine { get; init; }
    [Id(21)] public double? PerSampleP05Cosine { get; init; }
    [Id(22)] public double? PerSampleMedianCosine { get; init; }
    [Id(23)] public double? PerSampleMeanCosine { get; init; }
    [Id(24)] public double? PerSampleFractionNegative { get; init; }
    [Id(25)] public long[]? PerSampleHistogram { get; init; }
    [Id(26)] public double? GradNormMin { get; init; }
    [Id(27)] public double? GradNormMedian { get; init; }
    [Id(28)] public double? GradNormMean { get; init; }
    [Id(29)] public double? GradNormMax { get; init; }
    [Id(30)] public double PerSampleSeconds { get; init; }
    [Id(31)] public DateTimeOffset RecordedAt { get; init; }

    [Id(32)] public int? PaperAllPairsBatches { get; init; }
    [Id(33)] public int? PaperAllPairsPairs { get; init; }
    [Id(34)] public double? PaperAllPairsMinCosine { get; init; }
    [Id(35)] public double? PaperAllPairsP05Cosine { get; init; }
    [Id(36)] public double? PaperAllPairsMedianCosine { get; init; }
    [Id(37)] public double? PaperAllPairsMeanCosine { get; init; }
    [Id(38)] public double? PaperAllPairsFractionNegative { get; init; }
    [Id(39)] public long[]? PaperAllPairsHistogram { get; init; }
    [Id(40)] public double PaperAllPairsSeconds { get; init; }
}
