using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>
/// A row of metrics.parquet: the trial's configuration repeated, then one measurement. Mirrors the sink's
/// MeasurementParquetRow in the column types the report reads (nullable losses, list&lt;int64&gt; histograms).
/// </summary>
public sealed class SyntheticMetricRow
{
    [JsonPropertyName("trial_id")] public string TrialId { get; set; } = "";
    [JsonPropertyName("sweep_id")] public string SweepId { get; set; } = "";
    [JsonPropertyName("architecture")] public string Architecture { get; set; } = "mlp";
    [JsonPropertyName("width")] public int Width { get; set; }
    [JsonPropertyName("depth")] public int Depth { get; set; }
    [JsonPropertyName("init")] public string Init { get; set; } = "he_normal";
    [JsonPropertyName("batch_norm")] public bool BatchNorm { get; set; }
    [JsonPropertyName("skip")] public bool Skip { get; set; }
    [JsonPropertyName("activation")] public string Activation { get; set; } = "relu";
    [JsonPropertyName("seed")] public long Seed { get; set; }
    [JsonPropertyName("step")] public long Step { get; set; }
    [JsonPropertyName("epoch")] public int Epoch { get; set; }
    [JsonPropertyName("learning_rate")] public double LearningRate { get; set; } = 0.1;
    [JsonPropertyName("sgd_loss")] public double? SgdLoss { get; set; }
    [JsonPropertyName("train_loss")] public double? TrainLoss { get; set; }
    [JsonPropertyName("train_accuracy")] public double TrainAccuracy { get; set; }
    [JsonPropertyName("test_loss")] public double? TestLoss { get; set; }
    [JsonPropertyName("test_accuracy")] public double TestAccuracy { get; set; }
    [JsonPropertyName("wall_seconds")] public double WallSeconds { get; set; }
    [JsonPropertyName("paper_min_cosine")] public double? PaperMinCosine { get; set; }
    [JsonPropertyName("paper_median_cosine")] public double? PaperMedianCosine { get; set; }
    [JsonPropertyName("paper_fraction_negative")] public double? PaperFractionNegative { get; set; }
    [JsonPropertyName("paper_histogram")] public List<long>? PaperHistogram { get; set; }
    [JsonPropertyName("paper_allpairs_min_cosine")] public double? PaperAllPairsMinCosine { get; set; }
    [JsonPropertyName("paper_allpairs_histogram")] public List<long>? PaperAllPairsHistogram { get; set; }
    [JsonPropertyName("eta")] public double? Eta { get; set; }
    [JsonPropertyName("per_sample_min_cosine")] public double? PerSampleMinCosine { get; set; }
    [JsonPropertyName("per_sample_histogram")] public List<long>? PerSampleHistogram { get; set; }
    [JsonPropertyName("grad_norm_mean")] public double? GradNormMean { get; set; }

    [JsonPropertyName("recorded_at")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    public DateTime RecordedAt { get; set; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
}
