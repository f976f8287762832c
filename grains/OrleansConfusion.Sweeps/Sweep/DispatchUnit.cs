namespace OrleansConfusion.Sweeps;

/// <summary>
/// What one dispatch sends to one trial grain, and what takes one training slot: a trial alone, or the queued seeds
/// of one fuse group (see <see cref="TrialQueue"/>). Compared by identity.
/// </summary>
public sealed class DispatchUnit(int[] members)
{
    /// <summary>The trials sent together, in plan order.</summary>
    public IReadOnlyList<int> Members { get; } = members;

    /// <summary>Members still running; the unit holds its slot until the last of them ends.</summary>
    internal int Running { get; set; }
}
