namespace OrleansConfusion.Grains.Abstractions;

/// <summary>A sweep's counts by trial state and the progress of its unfinished trials.</summary>
[GenerateSerializer, Immutable]
public sealed record SweepStatus
{
    [Id(0)] public string SweepId { get; init; } = "";
    [Id(1)] public SweepState State { get; init; }
    [Id(2)] public int Total { get; init; }
    /// <summary>Waiting to train: not yet dispatched, or dispatched and waiting for a slot on its silo.</summary>
    [Id(3)] public int Queued { get; init; }

    /// <summary>Training now.</summary>
    [Id(4)] public int Running { get; init; }
    [Id(5)] public int Completed { get; init; }
    [Id(6)] public int Diverged { get; init; }
    [Id(7)] public int Failed { get; init; }
    [Id(8)] public int Cancelled { get; init; }

    /// <summary>Running trials' latest status (queued and finished trials are only counted).</summary>
    [Id(9)] public TrialStatus[] ActiveTrials { get; init; } = [];
    [Id(10)] public string OutputDirectory { get; init; } = "";
    [Id(11)] public DateTimeOffset? StartedAt { get; init; }
    [Id(12)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(13)] public long MeasurementRows { get; init; }

    /// <summary>Why a <see cref="SweepState.Failed"/> sweep stopped (the path and the reason), or null.</summary>
    [Id(14)] public string? Error { get; init; }

    public int Finished => Completed + Diverged + Failed + Cancelled;
}
