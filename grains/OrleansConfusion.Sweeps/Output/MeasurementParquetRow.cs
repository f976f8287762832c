using System.Text.Json.Serialization;
using OrleansConfusion.Grains.Abstractions;
using Parquet.Serialization.Attributes;

namespace OrleansConfusion.Sweeps;

/// <summary>One row of metrics.parquet (built from the lines of parts/measurements-gN.jsonl). Documented in docs/PARQUET_SCHEMA.md.</summary>
public sealed class MeasurementParquetRow : ConfigurationColumns
{
    [JsonPropertyName("step")] public long Step { get; set; }
    [JsonPropertyName("epoch")] public int Epoch { get; set; }
    [JsonPropertyName("learning_rate")] public double LearningRate { get; set; }
    [JsonPropertyName("sgd_loss")] public double? SgdLoss { get; set; }
    [JsonPropertyName("train_loss")] public double? TrainLoss { get; set; }
    [JsonPropertyName("train_accuracy")] public double? TrainAccuracy { get; set; }
    [JsonPropertyName("test_loss")] public double? TestLoss { get; set; }
    [JsonPropertyName("test_accuracy")] public double? TestAccuracy { get; set; }
    [JsonPropertyName("wall_seconds")] public double WallSeconds { get; set; }
    [JsonPropertyName("paper_pairs")] public int? PaperPairs { get; set; }
    [JsonPropertyName("paper_min_cosine")] public double? PaperMinCosine { get; set; }
    [JsonPropertyName("paper_p05_cosine")] public double? PaperP05Cosine { get; set; }
    [JsonPropertyName("paper_median_cosine")] public double? PaperMedianCosine { get; set; }
    [JsonPropertyName("paper_mean_cosine")] public double? PaperMeanCosine { get; set; }
    [JsonPropertyName("paper_fraction_negative")] public double? PaperFractionNegative { get; set; }
    [JsonPropertyName("paper_histogram")] public List<long>? PaperHistogram { get; set; }
    [JsonPropertyName("paper_seconds")] public double PaperSeconds { get; set; }
    [JsonPropertyName("paper_allpairs_batches")] public int? PaperAllPairsBatches { get; set; }
    [JsonPropertyName("paper_allpairs_pairs")] public int? PaperAllPairsPairs { get; set; }
    [JsonPropertyName("paper_allpairs_min_cosine")] public double? PaperAllPairsMinCosine { get; set; }
    [JsonPropertyName("paper_allpairs_p05_cosine")] public double? PaperAllPairsP05Cosine { get; set; }
    [JsonPropertyName("paper_allpairs_median_cosine")] public double? PaperAllPairsMedianCosine { get; set; }
    [JsonPropertyName("paper_allpairs_mean_cosine")] public double? PaperAllPairsMeanCosine { get; set; }
    [JsonPropertyName("paper_allpairs_fraction_negative")] public double? PaperAllPairsFractionNegative { get; set; }
    [JsonPropertyName("paper_allpairs_histogram")] public List<long>? PaperAllPairsHistogram { get; set; }
    [JsonPropertyName("paper_allpairs_seconds")] public double PaperAllPairsSeconds { get; set; }
    [JsonPropertyName("per_sample_m")] public int? PerSampleM { get; set; }
    [JsonPropertyName("eta")] public double? Eta { get; set; }
    [JsonPropertyName("per_sample_min_cosine")] public double? PerSampleMinCosine { get; set; }
    [JsonPropertyName("per_sample_p05_cosine")] public double? PerSampleP05Cosine { get; set; }
    [JsonPropertyName("per_sample_median_cosine")] public double? PerSampleMedianCosine { get; set; }
    [JsonPropertyName("per_sample_mean_cosine")] public double? PerSampleMeanCosine { get; set; }
    [JsonPropertyName("per_sample_fraction_negative")] public double? PerSampleFractionNegative { get; set; }
    [JsonPropertyName("per_sample_histogram")] public List<long>? PerSampleHistogram { get; set; }
    [JsonPropertyName("grad_norm_min")] public double? GradNormMin { get; set; }
    [JsonPropertyName("grad_norm_median")] public double? GradNormMedian { get; set; }
    [JsonPropertyName("grad_norm_mean")] public double? GradNormMean { get; set; }
    [JsonPropertyName("grad_norm_max")] public double? GradNormMax { get; set; }
    [JsonPropertyName("per_sample_seconds")] public double PerSampleSeconds { get; set; }

    // Milliseconds, not microseconds: Parquet.Net 6.1.0 writes timestamp statistics in milliseconds whatever the
    // unit (upstream issue 769), and readers that prune by statistics (DuckDB, Arrow) then skipped every row.
    // In milliseconds values and statistics agree; ParquetStatisticsTests checks both with DuckDB and ParquetSharp.
    [JsonPropertyName("recorded_at")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    public DateTime RecordedAt { get; set; }

    public static MeasurementParquetRow From(TrialSpec trial, MeasurementRow r)
    {
        var row = new MeasurementParquetRow
        {
            Step = r.Step,
            Epoch = r.Epoch,
            LearningRate = r.LearningRate,
            SgdLoss = Finite(r.SgdLoss),
            TrainLoss = Finite(r.TrainLoss),
            TrainAccuracy = Finite(r.TrainAccuracy),
            TestLoss = Finite(r.TestLoss),
            TestAccuracy = Finite(r.TestAccuracy),
            WallSeconds = r.WallSeconds,
            PaperPairs = r.PaperPairs,
            PaperMinCosine = r.PaperMinCosine,
            PaperP05Cosine = r.PaperP05Cosine,
            PaperMedianCosine = r.PaperMedianCosine,
            PaperMeanCosine = r.PaperMeanCosine,
            PaperFractionNegative = r.PaperFractionNegative,
            PaperHistogram = r.PaperHistogram?.ToList(),
            PaperSeconds = r.PaperSeconds,
            PaperAllPairsBatches = r.PaperAllPairsBatches,
            PaperAllPairsPairs = r.PaperAllPairsPairs,
            PaperAllPairsMinCosine = r.PaperAllPairsMinCosine,
            PaperAllPairsP05Cosine = r.PaperAllPairsP05Cosine,
            PaperAllPairsMedianCosine = r.PaperAllPairsMedianCosine,
            PaperAllPairsMeanCosine = r.PaperAllPairsMeanCosine,
            PaperAllPairsFractionNegative = r.PaperAllPairsFractionNegative,
            PaperAllPairsHistogram = r.PaperAllPairsHistogram?.ToList(),
            PaperAllPairsSeconds = r.PaperAllPairsSeconds,
            PerSampleM = r.PerSampleM,
            Eta = r.Eta,
            PerSampleMinCosine = r.PerSampleMinCosine,
            PerSampleP05Cosine = r.PerSampleP05Cosine,
            PerSampleMedianCosine = r.PerSampleMedianCosine,
            PerSampleMeanCosine = r.PerSampleMeanCosine,
            PerSampleFractionNegative = r.PerSampleFractionNegative,
            PerSampleHistogram = r.PerSampleHistogram?.ToList(),
            GradNormMin = r.GradNormMin,
            GradNormMedian = r.GradNormMedian,
            GradNormMean = r.GradNormMean,
            GradNormMax = r.GradNormMax,
            PerSampleSeconds = r.PerSampleSeconds,
            RecordedAt = r.RecordedAt.UtcDateTime,
        };
        row.SetConfiguration(trial);
        return row;
    }
}
