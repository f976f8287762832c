namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// One page of a sweep's per-trial summary, in plan order (<see cref="ISweepCoordinatorGrain.GetResultsAsync"/>).
/// A sweep can hold up to 1,000,000 trials, so no call returns them all: a client reads pages of at most
/// <see cref="MaxPageSize"/> until <see cref="Offset"/> + the rows reach <see cref="TotalTrials"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SweepResultsPage
{
    /// <summary>The most rows one page holds (about 100 bytes each on the wire, so ~100 KB a page).</summary>
    public const int MaxPageSize = 1000;

    [Id(0)] public string SweepId { get; init; } = "";
    [Id(1)] public SweepState State { get; init; }
    [Id(2)] public int TotalTrials { get; init; }

    /// <summary>Index in plan order of the first row.</summary>
    [Id(3)] public int Offset { get; init; }
    [Id(4)] public TrialResultRow[] Trials { get; init; } = [];

    /// <summary>The glob of the sweep's trials/ parts as the silos see it (<c>…/trials/*.parquet</c>; parts appear while the sweep runs).</summary>
    [Id(5)] public string TrialsFile { get; init; } = "";

    /// <summary>The glob of the sweep's metrics/ parts as the silos see it.</summary>
    [Id(6)] public string MetricsFile { get; init; } = "";
    [Id(7)] public long MeasurementRows { get; init; }
}
