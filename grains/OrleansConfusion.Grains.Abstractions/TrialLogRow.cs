using System.ComponentModel;
using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// A warning or an error about one trial (a divergence, a retry, a failure's exception text, a resume from a
/// checkpoint, a re-drive by the watchdog): the one schema of a log row, on the wire, in the record and in the
/// <c>logs/</c> part of the Parquet dataset. `confusion logs` prints them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrialLogRow
{
    [Id(0), JsonPropertyName("trial_id"), Description("The trial the line is about")]
    public string TrialId { get; init; } = "";

    [Id(1), JsonPropertyName("attempt"), Description("The trial's dispatch or attempt it came from (0: the coordinator's own)")]
    public int Attempt { get; init; }

    [Id(2), JsonPropertyName("silo"), Description("Where it was written: the trial's silo, or the coordinator's")]
    public string? Silo { get; init; }

    [Id(3), JsonPropertyName("level"), Description("info, warning or error")]
    public string Level { get; init; } = "info";

    [Id(4), JsonPropertyName("message"), Description("What happened")]
    public string Message { get; init; } = "";

    [Id(5), JsonPropertyName("at"), Description("When (UTC)")]
    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    public DateTime At { get; init; }
}
