using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// What loading a spec gave: the spec when it is valid, every error otherwise, and the grid points the
/// engine rejects (reported, but not fatal while at least one trial remains).
/// </summary>
public sealed record SpecLoadResult(SweepSpec? Spec, IReadOnlyList<SpecError> Errors, IReadOnlyList<string> Rejected, int Trials)
{
    public bool IsValid => Spec is not null && Errors.Count == 0;
}
