using System.ComponentModel;
using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// One measurement of one trial: the one schema of a measurement row. A trial grain sends it (its measurement columns
/// and its trial id), the coordinator appends it to the sweep's record as a JSON line and seals it into a
/// <c>metrics/</c> part of the Parquet dataset, with the configuration columns of <see cref="TrialColumns"/> added.
/// Column names are the [JsonPropertyName]s everywhere; docs/PARQUET_SCHEMA.md is generated from this type.
/// (TrialId, Step) is unique in the dataset. Paper-protocol, all-pairs and per-sample columns are null when off.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MeasurementRow : TrialColumns
{
    [Id(0), JsonPropertyName("step"), Description("SGD steps done when measured (0 = before training); unique per trial")]
    public long Step { get; init; }

    [Id(1), JsonPropertyName("epoch"), Description("Epochs completed when measured")]
    public int Epoch { get; init; }

    [Id(2), JsonPropertyName("learning_rate"), Description("Learning rate in effect")]
    public double LearningRate { get; init; }

    [Id(3), JsonPropertyName("sgd_loss"), Description("Mean mini-batch loss since the previous measurement; null before the first step")]
    public double? SgdLoss { get; init; }

    [Id(4), JsonPropertyName("train_loss"), Description("Loss on the fixed training evaluation subset (eval mode)")]
    public double? TrainLoss { get; init; }

    [Id(5), JsonPropertyName("train_accuracy"), Description("Accuracy on the training evaluation subset")]
    public double? TrainAccuracy { get; init; }

    [Id(6), JsonPropertyName("test_loss"), Description("Test loss")]
    public double? TestLoss { get; init; }

    [Id(7), JsonPropertyName("test_accuracy"), Description("Test accuracy")]
    public double? TestAccuracy { get; init; }

    [Id(8), JsonPropertyName("wall_seconds"), Description("Seconds since the trial first started")]
    public double WallSeconds { get; init; }

    [Id(9), JsonPropertyName("paper_pairs"), Description("Paper protocol: mini-batch pairs drawn; null when off")]
    public int? PaperPairs { get; init; }

    [Id(10), JsonPropertyName("paper_min_cosine"), Description("Paper protocol: minimum pairwise cosine of mini-batch gradients")]
    public double? PaperMinCosine { get; init; }

    [Id(11), JsonPropertyName("paper_p05_cosine"), Description("Paper protocol: 5th percentile cosine")]
    public double? PaperP05Cosine { get; init; }

    [Id(12), JsonPropertyName("paper_median_cosine"), Description("Paper protocol: median cosine")]
    public double? PaperMedianCosine { get; init; }

    [Id(13), JsonPropertyName("paper_mean_cosine"), Description("Paper protocol: mean cosine")]
    public double? PaperMeanCosine { get; init; }

    [Id(14), JsonPropertyName("paper_fraction_negative"), Description("Paper protocol: fraction of negative cosines")]
    public double? PaperFractionNegative { get; init; }

    [Id(15), JsonPropertyName("paper_histogram"), Description("Paper protocol: cosine counts in equal bins over [-1, 1]")]
    public long[]? PaperHistogram { get; init; }

    [Id(16), JsonPropertyName("paper_seconds"), Description("Time spent on the paper protocol")]
    public double PaperSeconds { get; init; }

    [Id(17), JsonPropertyName("paper_allpairs_batches"), Description("All-pairs paper protocol: mini-batch gradients K; null when off")]
    public int? PaperAllPairsBatches { get; init; }

    [Id(18), JsonPropertyName("paper_allpairs_pairs"), Description("All-pairs paper protocol: pairs compared, K(K-1)/2")]
    public int? PaperAllPairsPairs { get; init; }

    [Id(19), JsonPropertyName("paper_allpairs_min_cosine"), Description("All-pairs paper protocol: minimum pairwise cosine")]
    public double? PaperAllPairsMinCosine { get; init; }

    [Id(20), JsonPropertyName("paper_allpairs_p05_cosine"), Description("All-pairs paper protocol: 5th percentile cosine")]
    public double? PaperAllPairsP05Cosine { get; init; }

    [Id(21), JsonPropertyName("paper_allpairs_median_cosine"), Description("All-pairs paper protocol: median cosine")]
    public double? PaperAllPairsMedianCosine { get; init; }

    [Id(22), JsonPropertyName("paper_allpairs_mean_cosine"), Description("All-pairs paper protocol: mean cosine")]
    public double? PaperAllPairsMeanCosine { get; init; }

    [Id(23), JsonPropertyName("paper_allpairs_fraction_negative"), Description("All-pairs paper protocol: fraction of negative cosines")]
    public double? PaperAllPairsFractionNegative { get; init; }

    [Id(24), JsonPropertyName("paper_allpairs_histogram"), Description("All-pairs paper protocol: cosine counts in equal bins over [-1, 1]")]
    public long[]? PaperAllPairsHistogram { get; init; }

    [Id(25), JsonPropertyName("paper_allpairs_seconds"), Description("Time spent on the all-pairs paper protocol")]
    public double PaperAllPairsSeconds { get; init; }

    [Id(26), JsonPropertyName("per_sample_m"), Description("Per-sample Gram: samples M; null when off")]
    public int? PerSampleM { get; init; }

    [Id(27), JsonPropertyName("eta"), Description("Confusion bound eta = max(0, -min_{i!=j} <g_i, g_j>)")]
    public double? Eta { get; init; }

    [Id(28), JsonPropertyName("per_sample_min_cosine"), Description("Per-sample: minimum pairwise cosine")]
    public double? PerSampleMinCosine { get; init; }

    [Id(29), JsonPropertyName("per_sample_p05_cosine"), Description("Per-sample: 5th percentile cosine")]
    public double? PerSampleP05Cosine { get; init; }

    [Id(30), JsonPropertyName("per_sample_median_cosine"), Description("Per-sample: median cosine")]
    public double? PerSampleMedianCosine { get; init; }

    [Id(31), JsonPropertyName("per_sample_mean_cosine"), Description("Per-sample: mean cosine")]
    public double? PerSampleMeanCosine { get; init; }

    [Id(32), JsonPropertyName("per_sample_fraction_negative"), Description("Per-sample: fraction of negative cosines")]
    public double? PerSampleFractionNegative { get; init; }

    [Id(33), JsonPropertyName("per_sample_histogram"), Description("Per-sample: cosine counts in equal bins over [-1, 1]")]
    public long[]? PerSampleHistogram { get; init; }

    [Id(34), JsonPropertyName("grad_norm_min"), Description("Per-sample gradient norm: minimum")]
    public double? GradNormMin { get; init; }

    [Id(35), JsonPropertyName("grad_norm_median"), Description("Per-sample gradient norm: median")]
    public double? GradNormMedian { get; init; }

    [Id(36), JsonPropertyName("grad_norm_mean"), Description("Per-sample gradient norm: mean")]
    public double? GradNormMean { get; init; }

    [Id(37), JsonPropertyName("grad_norm_max"), Description("Per-sample gradient norm: maximum")]
    public double? GradNormMax { get; init; }

    [Id(38), JsonPropertyName("per_sample_seconds"), Description("Time spent on the per-sample Gram")]
    public double PerSampleSeconds { get; init; }

    // Milliseconds, not microseconds: Parquet.Net 6.1.0 writes timestamp statistics in milliseconds whatever the unit
    // (upstream issue 769), and readers that prune by statistics (DuckDB, Arrow) then skipped every row. In milliseconds
    // values and statistics agree; ParquetStatisticsTests checks both with DuckDB and ParquetSharp.
    [Id(39), JsonPropertyName("recorded_at"), Description("When the row reached the trial grain (UTC)")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    public DateTime RecordedAt { get; init; }
}
