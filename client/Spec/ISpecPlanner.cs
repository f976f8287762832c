using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// Expands a syntactically valid spec and applies the engine's rules. An interface so the loader can be
/// tested without the grains, and so the CLI depends on one narrow seam of the planner.
/// </summary>
public interface ISpecPlanner
{
    PlanSummary Plan(SweepSpec spec);
}
