using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>A sweep's persisted state: the spec, the plan (in dispatch order) and every trial's record.</summary>
[GenerateSerializer]
public sealed class SweepCoordinatorState
{
    [Id(0)] public SweepSpec? Spec { get; set; }
    [Id(1)] public Dictionary<string, TrialRecord> Trials { get; set; } = [];
    [Id(2)] public List<string> Order { get; set; } = [];
    [Id(3)] public SweepState State { get; set; } = SweepState.NotFound;
    [Id(4)] public DateTimeOffset? StartedAt { get; set; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(6)] public string OutputDirectory { get; set; } = "";
    [Id(7)] public string[] Rejected { get; set; } = [];
    [Id(8)] public bool CancelRequested { get; set; }
}
