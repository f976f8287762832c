using System.Text.Json.Serialization;
using OrleansConfusion.Cli.Results;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Commands;

/// <summary>
/// Source-generated JSON for --json output (trimming-safe, no reflection). Named floating-point
/// literals are allowed because losses are NaN until a trial reports one.
/// </summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SweepStatus))]
[JsonSerializable(typeof(SweepSubmission))]
[JsonSerializable(typeof(SweepResultsJson))]
[JsonSerializable(typeof(RunResultJson))]
[JsonSerializable(typeof(SpecErrorsJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
