using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>A row of trials.parquet as the Parquet sink writes it (column names per docs/PARQUET_SCHEMA.md).</summary>
public sealed class SyntheticTrialRow
{
    [JsonPropertyName("trial_id")] public string TrialId { get; set; } = "";
    [JsonPropertyName("sweep_id")] public string SweepId { get; set; } = "";
    [JsonPropertyName("architecture")] public string Architecture { get; set; } = "mlp";
    [JsonPropertyName("width")] public int Width { get; set; }
    [JsonPropertyName("depth")] public int Depth { get; set; }
    [JsonPropertyName("init")] public string Init { get; set; } = "he_normal";
    [JsonPropertyName("init_scale")] public double InitScale { get; set; } = 1;
    [JsonPropertyName("batch_norm")] public bool BatchNorm { get; set; }
    [JsonPropertyName("skip")] public bool Skip { get; set; }
    [JsonPropertyName("activation")] public string Activation { get; set; } = "relu";
    [JsonPropertyName("bias")] public bool Bias { get; set; } = true;
    [JsonPropertyName("seed")] public long Seed { get; set; }
    [JsonPropertyName("dataset")] public string Dataset { get; set; } = "sphere";
    [JsonPropertyName("lr")] public double Lr { get; set; } = 0.1;
    [JsonPropertyName("status")] public string Status { get; set; } = "completed";
    [JsonPropertyName("final_loss")] public double? FinalLoss { get; set; }
    [JsonPropertyName("best_loss")] public double? BestLoss { get; set; }
    [JsonPropertyName("final_accuracy")] public double? FinalAccuracy { get; set; }
    [JsonPropertyName("steps_to_target_loss")] public long? StepsToTargetLoss { get; set; }
    [JsonPropertyName("trained_steps")] public long? TrainedSteps { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }

    [JsonPropertyName("finished_at")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    public DateTime FinishedAt { get; set; }

    public SyntheticTrialRow Clone() => (SyntheticTrialRow)MemberwiseClone();
}
