namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// What `confusion report` does with the sweep, declared before its results are seen: in every cell of the other axes
/// keep the value of <see cref="Best"/> whose mean over seeds of <see cref="By"/> (a column of the trials/ parts) is best
/// (<see cref="Goal"/>: min or max), then run the trends on what was kept.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ReportSpec
{
    [Id(0)] public string? Best { get; init; }

    [Id(1)] public string? By { get; init; }

    /// <summary>min (default) or max.</summary>
    [Id(2)] public string Goal { get; init; } = "min";
}
