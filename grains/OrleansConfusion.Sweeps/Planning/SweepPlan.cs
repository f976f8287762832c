using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// What <see cref="SweepPlanner.Plan"/> made of a spec. When <see cref="Errors"/> is non-empty the spec
/// as a whole is invalid and <see cref="Trials"/> is empty: nothing may run. Otherwise
/// <see cref="Trials"/> holds every runnable (grid point × seed), in a stable order, and
/// <see cref="Rejected"/> the grid points the engine refused, each with its reasons.
/// </summary>
public sealed record SweepPlan
{
    public string SweepId { get; init; } = "";

    public IReadOnlyList<TrialSpec> Trials { get; init; } = [];

    /// <summary>
    /// Per trial, the index of the first trial of its fuse group (see <see cref="SweepPlanner.FuseGroups"/>): its own
    /// index when it trains alone. Same length as <see cref="Trials"/>.
    /// </summary>
    public IReadOnlyList<int> FuseGroups { get; init; } = [];

    /// <summary>Fuse groups of two or more trials, and the trials in them.</summary>
    public (int Groups, int Trials) Fused()
    {
        var sizes = FuseGroups.GroupBy(first => first).Select(g => g.Count()).Where(size => size > 1).ToList();
        return (sizes.Count, sizes.Sum());
    }

    public IReadOnlyList<RejectedTrial> Rejected { get; init; } = [];

    /// <summary>Spec-level errors, each naming the field ("grid.inits: unknown init 'foo'; allowed: ...").</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    public bool IsValid => Errors.Count == 0;
}
