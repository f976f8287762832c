namespace OrleansConfusion.Cli.Spec;

/// <summary>What the planner made of a spec: how many trials run, which grid points it rejected, and fatal errors.</summary>
public sealed record PlanSummary(int Trials, IReadOnlyList<string> Rejected, IReadOnlyList<string> Errors);
