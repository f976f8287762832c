using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Spec;

/// <summary>The planner the coordinator itself uses, so the CLI reports exactly what the cluster would refuse.</summary>
public sealed class CoordinatorSpecPlanner : ISpecPlanner
{
    public PlanSummary Plan(SweepSpec spec)
    {
        var plan = SweepPlanner.Plan(spec);
        return new PlanSummary(plan.Trials.Count, [.. plan.Rejected.Select(r => r.ToString())], plan.Errors);
    }
}
