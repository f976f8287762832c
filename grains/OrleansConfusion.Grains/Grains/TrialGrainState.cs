using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>What a trial grain persists: advisory only, the coordinator's state is the source of truth.</summary>
[GenerateSerializer]
public sealed class TrialGrainState
{
    [Id(0)] public TrialSpec? Spec { get; set; }
    [Id(1)] public int Attempt { get; set; }
    [Id(2)] public TrialState State { get; set; }
    [Id(3)] public TrialOutcome? Outcome { get; set; }
}
