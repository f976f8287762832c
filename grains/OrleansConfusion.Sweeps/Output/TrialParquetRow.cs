using System.Text.Json.Serialization;
using OrleansConfusion.Grains.Abstractions;
using Parquet.Serialization.Attributes;

namespace OrleansConfusion.Sweeps;

/// <summary>One row of trials.parquet (built from the outcomes in parts/trials-gN.jsonl). Documented in docs/PARQUET_SCHEMA.md.</summary>
public sealed class TrialParquetRow : ConfigurationColumns
{
    /// <summary>completed, diverged, failed or cancelled.</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    [JsonPropertyName("final_loss")] public double? FinalLoss { get; set; }
    [JsonPropertyName("best_loss")] public double? BestLoss { get; set; }
    [JsonPropertyName("final_accuracy")] public double? FinalAccuracy { get; set; }
    [JsonPropertyName("best_accuracy")] public double? BestAccuracy { get; set; }
    [JsonPropertyName("final_test_accuracy")] public double? FinalTestAccuracy { get; set; }
    [JsonPropertyName("steps_to_target_loss")] public long? StepsToTargetLoss { get; set; }
    [JsonPropertyName("trained_steps")] public long TrainedSteps { get; set; }
    [JsonPropertyName("wall_seconds")] public double WallSeconds { get; set; }
    [JsonPropertyName("silo")] public string? Silo { get; set; }
    [JsonPropertyName("device")] public string? Device { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("parameter_count")] public long ParameterCount { get; set; }
    [JsonPropertyName("attempt")] public int Attempt { get; set; }
    [JsonPropertyName("resumed_from_step")] public long? ResumedFromStep { get; set; }

    // Milliseconds, not microseconds: Parquet.Net 6.1.0 writes timestamp statistics in milliseconds whatever the
    // unit (upstream issue 769), and readers that prune by statistics (DuckDB, Arrow) then skipped every row.
    // In milliseconds values and statistics agree; ParquetStatisticsTests checks both with DuckDB and ParquetSharp.
    [JsonPropertyName("finished_at")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    public DateTime FinishedAt { get; set; }

    public static TrialParquetRow From(TrialSpec trial, TrialOutcome o)
    {
        var row = new TrialParquetRow
        {
            Status = o.State.ToString().ToLowerInvariant(),
            FinalLoss = Finite(o.FinalLoss),
            BestLoss = Finite(o.BestLoss),
            FinalAccuracy = Finite(o.FinalAccuracy),
            BestAccuracy = Finite(o.BestAccuracy),
            FinalTestAccuracy = Finite(o.FinalTestAccuracy),
            StepsToTargetLoss = o.StepsToTargetLoss,
            TrainedSteps = o.Steps,
            WallSeconds = o.WallSeconds,
            Silo = o.Silo,
            Device = o.Device,
            Error = o.Error,
            ParameterCount = o.ParameterCount,
            Attempt = o.Attempt,
            ResumedFromStep = o.ResumedFromStep,
            FinishedAt = o.FinishedAt.UtcDateTime,
        };
        row.SetConfiguration(trial);
        return row;
    }

    /// <summary>The outcome back from a row, so a rerun knows which trials already finished.</summary>
    public TrialOutcome ToOutcome() => new()
    {
        TrialId = TrialId,
        State = Enum.TryParse<TrialState>(Status, ignoreCase: true, out var s) ? s : TrialState.Failed,
        Steps = TrainedSteps,
        FinalLoss = FinalLoss ?? double.NaN,
        BestLoss = BestLoss ?? double.NaN,
        FinalAccuracy = FinalAccuracy ?? double.NaN,
        BestAccuracy = BestAccuracy ?? double.NaN,
        FinalTestAccuracy = FinalTestAccuracy ?? double.NaN,
        StepsToTargetLoss = StepsToTargetLoss,
        WallSeconds = WallSeconds,
        Silo = Silo,
        Device = Device,
        Error = Error,
        ParameterCount = ParameterCount,
        Attempt = Attempt,
        ResumedFromStep = ResumedFromStep,
        FinishedAt = new DateTimeOffset(DateTime.SpecifyKind(FinishedAt, DateTimeKind.Utc)),
    };
}
