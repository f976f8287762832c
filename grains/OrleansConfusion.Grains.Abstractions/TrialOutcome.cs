using System.ComponentModel;
using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// How a trial ended, or (in the record) that a run of it started: the one schema of a trial row. A trial grain sends
/// it, the coordinator appends it to the sweep's record as a JSON line and seals the outcomes into a <c>trials/</c>
/// part of the Parquet dataset, with the configuration columns of <see cref="TrialColumns"/> added. Column names are
/// the [JsonPropertyName]s everywhere; docs/PARQUET_SCHEMA.md is generated from this type.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrialOutcome : TrialColumns
{
    /// <summary>The state as written ("completed"); <see cref="State"/> is the same, typed.</summary>
    [Id(0), JsonPropertyName("status"), Description("completed, diverged, failed or cancelled (running: a start of training, in the record only)")]
    public string Status { get; init; } = "queued";

    [JsonIgnore, ParquetIgnore]
    public TrialState State
    {
        get => Enum.TryParse<TrialState>(Status, ignoreCase: true, out var state) ? state : TrialState.Failed;
        init => Status = value.ToString().ToLowerInvariant();
    }

    [Id(1), JsonPropertyName("final_loss"), Description("Train loss (eval subset) at the last measurement; null if none")]
    public double? FinalLoss { get; init; }

    [Id(2), JsonPropertyName("best_loss"), Description("Lowest measured train loss; null if none")]
    public double? BestLoss { get; init; }

    [Id(3), JsonPropertyName("final_accuracy"), Description("Train accuracy (eval subset) at the last measurement")]
    public double? FinalAccuracy { get; init; }

    [Id(4), JsonPropertyName("best_accuracy"), Description("Highest measured train accuracy")]
    public double? BestAccuracy { get; init; }

    [Id(5), JsonPropertyName("final_test_accuracy"), Description("Test accuracy at the last measurement")]
    public double? FinalTestAccuracy { get; init; }

    [Id(6), JsonPropertyName("steps_to_target_loss"), Description("First measured step whose train loss reached the target; null if never or no target")]
    public long? StepsToTargetLoss { get; init; }

    [Id(7), JsonPropertyName("trained_steps"), Description("SGD steps actually trained")]
    public long TrainedSteps { get; init; }

    [Id(8), JsonPropertyName("trained_epochs"), Description("Epochs completed")]
    public int TrainedEpochs { get; init; }

    [Id(9), JsonPropertyName("wall_seconds"), Description("Training wall time, including time before a resume")]
    public double WallSeconds { get; init; }

    [Id(10), JsonPropertyName("silo"), Description("Silo that finished the trial")]
    public string? Silo { get; init; }

    [Id(11), JsonPropertyName("device"), Description("cpu or cuda")]
    public string? Device { get; init; }

    [Id(12), JsonPropertyName("error"), Description("Why it failed, diverged or was cancelled; null otherwise")]
    public string? Error { get; init; }

    [Id(13), JsonPropertyName("parameter_count"), Description("Trainable parameters of the network")]
    public long ParameterCount { get; init; }

    [Id(14), JsonPropertyName("attempt"), Description("Starts of training this trial made, the finishing one included (> 1 after a re-drive; a run that went on across a coordinator failover counts once)")]
    public int Attempt { get; init; }

    [Id(15), JsonPropertyName("resumed_from_step"), Description("Step of the checkpoint that attempt resumed from; null if it trained from scratch")]
    public long? ResumedFromStep { get; init; }

    /// <summary>
    /// The step of the last measurement the trial took (−1: none). The coordinator takes a completed or diverged
    /// outcome only when it holds the row of that step, and so of every step before it.
    /// </summary>
    [Id(16), JsonPropertyName("last_measured_step"), Description("Step of the trial's last measurement (-1: none); every row up to it is in metrics/")]
    public long LastMeasuredStep { get; init; } = -1;

    /// <summary>
    /// When the training run that produced this outcome began (see <see cref="TrialStatus.TrainingStartedAt"/>): a
    /// coordinator that finds the same run still training after a failover counts no new attempt. UTC.
    /// </summary>
    [Id(17), JsonPropertyName("training_started_at"), Description("When the finishing run of the trial began (UTC)")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    public DateTime? TrainingStartedAt { get; init; }

    // Milliseconds: see MeasurementRow.RecordedAt.
    [Id(18), JsonPropertyName("finished_at"), Description("When the trial ended (UTC)")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    public DateTime FinishedAt { get; init; }
}
