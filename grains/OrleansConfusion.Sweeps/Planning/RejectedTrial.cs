using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>A grid point the engine refuses (for every seed), with the reasons from its validator.</summary>
public sealed record RejectedTrial(ModelSpec Model, string Label, IReadOnlyList<string> Reasons)
{
    /// <summary>"wrn w2 d12 he_normal relu: wrn depth must be of the form 6n+4 ...".</summary>
    public override string ToString() => $"{Label}: {string.Join("; ", Reasons)}";
}
