using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// What a trial grain persists: the outcomes it could not deliver (one trial's, or some seeds' of a fuse group), so a
/// re-drive after the activation is gone re-sends them instead of training again. Advisory only: the coordinator's
/// record is the source of truth, and a delivered outcome is never stored. Ids 0 to 3 held the single-trial layout
/// before fuse groups; they are not reused, so an old stored state reads as empty.
/// </summary>
[GenerateSerializer]
public sealed class TrialGrainState
{
    [Id(4)] public TrialSpec[] Specs { get; set; } = [];

    /// <summary>Per entry of <see cref="Specs"/>.</summary>
    [Id(5)] public TrialOutcome[] Outcomes { get; set; } = [];
}
