using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>The coordinator's view of one trial: where it runs, which attempt, what it last said.</summary>
[GenerateSerializer]
public sealed class TrialRecord
{
    [Id(0)] public TrialSpec Spec { get; set; } = new();
    [Id(1)] public TrialState State { get; set; }

    /// <summary>Incremented on every dispatch; reports from older attempts never change the state.</summary>
    [Id(2)] public int Attempt { get; set; }

    /// <summary>Silo name it runs on (predicted at dispatch, then as reported).</summary>
    [Id(3)] public string? Silo { get; set; }
    [Id(4)] public DateTimeOffset LastReportAt { get; set; }
    [Id(5)] public TrialStatus? Status { get; set; }
    [Id(6)] public TrialOutcome? Outcome { get; set; }

    /// <summary>Dispatched beyond its silo's slots (prefetched) and, as last heard, still waiting for one.</summary>
    [Id(7)] public bool WaitingForSlot { get; set; }

    public bool IsTerminal => State is TrialState.Completed or TrialState.Diverged or TrialState.Failed or TrialState.Cancelled;

    /// <summary>Finished for good: a rerun skips these. Failed and cancelled trials run again.</summary>
    public bool IsFinished => State is TrialState.Completed or TrialState.Diverged;
}
