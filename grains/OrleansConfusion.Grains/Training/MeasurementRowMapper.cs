using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// Flattens the engine's measurement into the one measurement row (wire, record, Parquet); the coordinator adds the
/// configuration columns. A loss or accuracy that is not finite has no value: null, as Parquet readers agree on.
/// </summary>
public static class MeasurementRowMapper
{
    public static MeasurementRow ToRow(string trialId, MeasurementRecord r, DateTimeOffset recordedAt)
    {
        var paper = r.Paper;
        var ps = r.PerSample;
        var all = r.PaperAllPairs;
        return new MeasurementRow
        {
            TrialId = trialId,
            Step = r.Step,
            Epoch = r.Epoch,
            LearningRate = r.LearningRate,
            SgdLoss = TrialColumns.Finite(r.SgdLoss),
            TrainLoss = TrialColumns.Finite(r.TrainLoss),
            TrainAccuracy = TrialColumns.Finite(r.TrainAccuracy),
            TestLoss = TrialColumns.Finite(r.TestLoss),
            TestAccuracy = TrialColumns.Finite(r.TestAccuracy),
            WallSeconds = r.WallSeconds,
            PaperPairs = paper?.Count,
            PaperMinCosine = paper?.Min,
            PaperP05Cosine = paper?.P05,
            PaperMedianCosine = paper?.Median,
            PaperMeanCosine = paper?.Mean,
            PaperFractionNegative = paper?.FractionNegative,
            PaperHistogram = paper?.Histogram.ToArray(),
            PaperSeconds = r.PaperSeconds,
            PaperAllPairsBatches = all is null ? null : r.PaperAllPairsBatches,
            PaperAllPairsPairs = all?.Count,
            PaperAllPairsMinCosine = all?.Min,
            PaperAllPairsP05Cosine = all?.P05,
            PaperAllPairsMedianCosine = all?.Median,
            PaperAllPairsMeanCosine = all?.Mean,
            PaperAllPairsFractionNegative = all?.FractionNegative,
            PaperAllPairsHistogram = all?.Histogram.ToArray(),
            PaperAllPairsSeconds = r.PaperAllPairsSeconds,
            PerSampleM = ps?.M,
            Eta = ps?.Eta,
            PerSampleMinCosine = ps?.Cosines.Min,
            PerSampleP05Cosine = ps?.Cosines.P05,
            PerSampleMedianCosine = ps?.Cosines.Median,
            PerSampleMeanCosine = ps?.Cosines.Mean,
            PerSampleFractionNegative = ps?.Cosines.FractionNegative,
            PerSampleHistogram = ps?.Cosines.Histogram.ToArray(),
            GradNormMin = ps?.GradNormMin,
            GradNormMedian = ps?.GradNormMedian,
            GradNormMean = ps?.GradNormMean,
            GradNormMax = ps?.GradNormMax,
            PerSampleSeconds = r.PerSampleSeconds,
            RecordedAt = recordedAt.UtcDateTime,
        };
    }
}
