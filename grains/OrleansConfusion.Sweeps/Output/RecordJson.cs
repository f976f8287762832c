using System.Text.Json.Serialization;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The record's JSON, source-generated: a reflection-based reader spent most of a resume reading lines. The names are the
/// rows' [JsonPropertyName]s, which are also their Parquet column names. Defaults are left out (most measurement columns
/// are null in most rows, and the configuration columns are added at sealing), so a line is what the row says.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(MeasurementRow))]
[JsonSerializable(typeof(TrialOutcome))]
[JsonSerializable(typeof(TrialLogRow))]
[JsonSerializable(typeof(SweepSpec))]
internal sealed partial class RecordJson : JsonSerializerContext;
