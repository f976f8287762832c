using System.Text.Json.Serialization;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The records' JSON, source-generated: a reflection-based reader spent most of a resume reading lines. Snake case,
/// nulls left out (most measurement columns are null in most rows), NaN and infinities as JSON strings.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(MeasurementRow))]
[JsonSerializable(typeof(TrialEvent))]
[JsonSerializable(typeof(SweepSpec))]
internal sealed partial class RecordJson : JsonSerializerContext;
